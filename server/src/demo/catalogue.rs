//! What the demo spaces hold: each file's name, type and how to make it.

use super::media::Content;

pub(super) struct Entry {
    pub(super) name: String,
    pub(super) mime: &'static str,
    pub(super) content: Content,
}

fn entry(name: impl Into<String>, mime: &'static str, content: Content) -> Entry {
    Entry {
        name: name.into(),
        mime,
        content,
    }
}

pub(super) fn marketing_catalogue() -> Vec<Entry> {
    const IMAGES: [&str; 52] = [
        "summer-campaign-hero",
        "summer-campaign-banner",
        "summer-campaign-social-square",
        "beach-sunset",
        "beach-umbrellas",
        "city-skyline-night",
        "city-rooftops",
        "product-launch-keynote",
        "product-launch-stage",
        "team-offsite-2026",
        "team-portrait-studio",
        "office-plants",
        "office-kitchen",
        "newsletter-header-june",
        "newsletter-header-july",
        "newsletter-header-august",
        "webinar-cover-growth",
        "webinar-cover-retention",
        "ebook-cover-playbook",
        "case-study-acme",
        "case-study-globex",
        "case-study-initech",
        "billboard-mockup-north",
        "billboard-mockup-south",
        "instagram-story-01",
        "instagram-story-02",
        "instagram-story-03",
        "linkedin-carousel-01",
        "linkedin-carousel-02",
        "black-friday-teaser",
        "black-friday-countdown",
        "holiday-card-2025",
        "spring-collection-lookbook",
        "spring-collection-flatlay",
        "autumn-palette",
        "winter-sale-poster",
        "brand-pattern-waves",
        "brand-pattern-dots",
        "logo-primary",
        "logo-monogram",
        "logo-reversed",
        "icon-set-preview",
        "event-booth-render",
        "event-badge-design",
        "podcast-artwork",
        "customer-quote-card",
        "pricing-page-illustration",
        "careers-page-hero",
        "blog-header-ai-tools",
        "blog-header-remote-work",
        "trade-show-floorplan",
        "mood-board-ocean",
    ];
    const SIZES: [(u32, u32); 6] = [
        (960, 640),
        (800, 800),
        (960, 540),
        (640, 960),
        (720, 480),
        (600, 600),
    ];
    let mut entries: Vec<Entry> = IMAGES
        .iter()
        .enumerate()
        .map(|(i, stem)| {
            let (width, height) = SIZES[i % SIZES.len()];
            if i % 3 == 0 {
                entry(
                    format!("{stem}.png"),
                    "image/png",
                    Content::Png { width, height },
                )
            } else {
                entry(
                    format!("{stem}.jpg"),
                    "image/jpeg",
                    Content::Jpeg { width, height },
                )
            }
        })
        .collect();
    entries.extend([
        entry(
            "brand-guidelines-2026.pdf",
            "application/pdf",
            Content::Pdf {
                title: "Brand guidelines 2026",
            },
        ),
        entry(
            "media-kit.pdf",
            "application/pdf",
            Content::Pdf { title: "Media kit" },
        ),
        entry(
            "campaign-brief-summer.pdf",
            "application/pdf",
            Content::Pdf {
                title: "Summer campaign brief",
            },
        ),
        entry(
            "press-release-launch.pdf",
            "application/pdf",
            Content::Pdf {
                title: "Press release: product launch",
            },
        ),
        entry(
            "tagline-options.txt",
            "text/plain",
            Content::Text { body: TAGLINES },
        ),
        entry(
            "campaign-budget-q3.csv",
            "text/csv",
            Content::Text { body: BUDGET_CSV },
        ),
        entry(
            "social-calendar-july.csv",
            "text/csv",
            Content::Text { body: CALENDAR_CSV },
        ),
        entry(
            "readme-asset-naming.md",
            "text/markdown",
            Content::Text { body: NAMING_MD },
        ),
        entry(
            "jingle-short.wav",
            "audio/wav",
            Content::Wav {
                seconds: 2,
                hz: 440.0,
            },
        ),
        entry(
            "podcast-intro-sting.wav",
            "audio/wav",
            Content::Wav {
                seconds: 3,
                hz: 330.0,
            },
        ),
        entry(
            "notification-chime.wav",
            "audio/wav",
            Content::Wav {
                seconds: 1,
                hz: 880.0,
            },
        ),
        entry(
            "teaser-loop.avi",
            "video/x-msvideo",
            Content::Avi { frames: 24 },
        ),
        entry(
            "logo-animation.avi",
            "video/x-msvideo",
            Content::Avi { frames: 36 },
        ),
    ]);
    entries
}

pub(super) fn product_catalogue() -> Vec<Entry> {
    vec![
        entry(
            "dashboard-screenshot.png",
            "image/png",
            Content::Png {
                width: 960,
                height: 600,
            },
        ),
        entry(
            "mobile-app-onboarding.png",
            "image/png",
            Content::Png {
                width: 540,
                height: 960,
            },
        ),
        entry(
            "feature-diagram.jpg",
            "image/jpeg",
            Content::Jpeg {
                width: 800,
                height: 600,
            },
        ),
        entry(
            "release-notes-3-2.md",
            "text/markdown",
            Content::Text {
                body: RELEASE_NOTES_MD,
            },
        ),
        entry(
            "api-reference.pdf",
            "application/pdf",
            Content::Pdf {
                title: "API reference",
            },
        ),
        entry(
            "usability-study-notes.txt",
            "text/plain",
            Content::Text { body: STUDY_NOTES },
        ),
    ]
}

const TAGLINES: &str = "Tagline options for the summer campaign\n\n1. Make waves this summer.\n2. Everything you need, nothing you don't.\n3. Built for the long days.\n4. Your best season starts here.\n";
const BUDGET_CSV: &str = "channel,planned,spent\nsocial,12000,9800\nsearch,18000,17650\nevents,25000,21000\nprint,6000,6400\n";
const CALENDAR_CSV: &str = "date,channel,post\n2026-07-01,instagram,Summer teaser\n2026-07-03,linkedin,Case study: Acme\n2026-07-08,newsletter,July header\n2026-07-15,instagram,Story series 1-3\n";
const NAMING_MD: &str = "# Asset naming\n\n- lowercase, words separated by hyphens\n- campaign first, then subject, then variant: `summer-campaign-hero`\n- no dates in names; the library records them\n";
const RELEASE_NOTES_MD: &str = "# Release 3.2\n\n- Faster dashboard loading\n- New onboarding flow on mobile\n- Bulk actions for reports\n";
const STUDY_NOTES: &str = "Usability study, round 4\n\nParticipants found bulk actions quickly but wanted an undo after deleting.\n";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_marketing_catalogue_is_big_and_varied() {
        let catalogue = marketing_catalogue();
        assert!(catalogue.len() >= 60);
        for kind in ["image/", "application/pdf", "text/", "audio/", "video/"] {
            assert!(catalogue.iter().any(|e| e.mime.starts_with(kind)), "{kind}");
        }
        let mut names: Vec<_> = catalogue.iter().map(|e| &e.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), catalogue.len(), "names are unique");
    }
}
