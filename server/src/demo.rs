//! Demo data for `make run` on an empty database (DESIGN.md §2): three
//! people, two spaces, and real small files (generated images with
//! thumbnails, PDFs, text, audio and video) with varied names, sizes and dates.

use std::io::Cursor;

use anyhow::Context as _;
use app::assets::data::{insert, NewAsset};
use app::auth::data::{set_membership, upsert_user};
use app::auth::model::Role;
use app::auth::password;
use app::clock::MILLIS_PER_DAY;
use app::spaces::data::ensure;
use app::state::AppState;
use app::storage::Storage;
use image::{DynamicImage, ImageFormat, Rgb, RgbImage};

pub const DEMO_PASSWORD: &str = "trove-demo";

/// Seeds the demo data when the database has no spaces yet. Returns whether
/// it seeded anything.
pub async fn seed_if_empty(state: &AppState) -> anyhow::Result<bool> {
    let spaces: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM spaces")
        .fetch_one(&state.pool)
        .await?;
    let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(&state.pool)
        .await?;
    if spaces > 0 || users > 0 {
        return Ok(false);
    }
    seed(state).await?;
    Ok(true)
}

async fn seed(state: &AppState) -> anyhow::Result<()> {
    let now = state.clock.now_millis();
    let hash = password::hash_off_runtime(DEMO_PASSWORD.to_owned())
        .await
        .context("hashing the demo password")?;

    // Write every file first, then all rows in one transaction: a crash
    // leaves at worst unreferenced files, never rows without files.
    let marketing_files = build_files(&state.storage, &marketing_catalogue(), now, 1).await?;
    let product_files = build_files(&state.storage, &product_catalogue(), now, 2).await?;

    let mut tx = state.pool.begin().await?;
    let owner = upsert_user(&mut *tx, "owner@example.com", "Olivia Owner", &hash, now).await?;
    let manager = upsert_user(
        &mut *tx,
        "manager@example.com",
        "Manuel Manager",
        &hash,
        now,
    )
    .await?;
    let viewer = upsert_user(&mut *tx, "viewer@example.com", "Vera Viewer", &hash, now).await?;
    let marketing = ensure(&mut *tx, "marketing", "Marketing", now).await?;
    let product = ensure(&mut *tx, "product", "Product", now).await?;
    set_membership(&mut *tx, marketing.id, owner, Role::Owner).await?;
    set_membership(&mut *tx, product.id, owner, Role::Owner).await?;
    set_membership(&mut *tx, marketing.id, manager, Role::AssetManager).await?;
    set_membership(&mut *tx, marketing.id, viewer, Role::Viewer).await?;
    for (space, files) in [(marketing.id, marketing_files), (product.id, product_files)] {
        for mut file in files {
            file.space = space;
            file.created_by = Some(owner);
            insert(&mut *tx, &file).await?;
        }
    }
    tx.commit().await?;
    tracing::info!("seeded demo data: Marketing and Product, password {DEMO_PASSWORD:?}");
    Ok(())
}

/// What a demo file is made of.
#[derive(Debug, Clone)]
enum Content {
    Png { width: u32, height: u32 },
    Jpeg { width: u32, height: u32 },
    Pdf { title: &'static str },
    Text { body: &'static str },
    Wav { seconds: u32, hz: f32 },
    Avi { frames: u32 },
}

struct Entry {
    name: String,
    mime: &'static str,
    content: Content,
}

fn entry(name: impl Into<String>, mime: &'static str, content: Content) -> Entry {
    Entry {
        name: name.into(),
        mime,
        content,
    }
}

fn marketing_catalogue() -> Vec<Entry> {
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

fn product_catalogue() -> Vec<Entry> {
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

/// Writes each entry's file (and thumbnail) and returns the rows to insert.
async fn build_files(
    storage: &Storage,
    catalogue: &[Entry],
    now: i64,
    seed: u64,
) -> anyhow::Result<Vec<NewAsset>> {
    let mut rng = SplitMix(seed);
    let mut assets = Vec::with_capacity(catalogue.len());
    for (index, entry) in catalogue.iter().enumerate() {
        let content = entry.content.clone();
        let palette = index as u64 + seed * 100;
        let bytes = tokio::task::spawn_blocking(move || render(&content, palette)).await??;
        let key = Storage::new_key();
        storage.put_original(&key, &bytes).await?;
        let picture = match entry.content {
            Content::Png { .. } | Content::Jpeg { .. } => storage.make_thumbnail(&key).await?,
            _ => None,
        };
        let dimensions = picture.map(|p| p.dimensions);
        // Spread over the last year, a few assets edited after creation.
        let created_at = now
            - (rng.next() % 365) as i64 * MILLIS_PER_DAY
            - (rng.next() % MILLIS_PER_DAY as u64) as i64;
        let updated_at = if rng.next().is_multiple_of(3) {
            (created_at + (rng.next() % (30 * MILLIS_PER_DAY as u64)) as i64).min(now)
        } else {
            created_at
        };
        assets.push(NewAsset {
            space: app::spaces::model::SpaceId(0),
            name: entry.name.clone(),
            mime_type: entry.mime.to_owned(),
            size_bytes: bytes.len() as i64,
            width: dimensions.map(|d| i64::from(d.width)),
            height: dimensions.map(|d| i64::from(d.height)),
            storage_key: key,
            has_thumbnail: picture.is_some_and(|p| p.thumbnail),
            created_by: None,
            created_at,
            updated_at,
        });
    }
    Ok(assets)
}

/// A tiny deterministic generator, so the demo looks the same on every machine.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

fn render(content: &Content, palette: u64) -> anyhow::Result<Vec<u8>> {
    Ok(match *content {
        Content::Png { width, height } => {
            encode(&picture(width, height, palette), ImageFormat::Png)?
        }
        Content::Jpeg { width, height } => {
            encode(&picture(width, height, palette), ImageFormat::Jpeg)?
        }
        Content::Pdf { title } => pdf(title),
        Content::Text { body } => body.as_bytes().to_vec(),
        Content::Wav { seconds, hz } => wav(seconds, hz),
        Content::Avi { frames } => avi(frames, palette)?,
    })
}

fn encode(image: &RgbImage, format: ImageFormat) -> anyhow::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    DynamicImage::ImageRgb8(image.clone()).write_to(&mut Cursor::new(&mut bytes), format)?;
    Ok(bytes)
}

const PALETTES: [[[u8; 3]; 3]; 8] = [
    [[255, 94, 58], [255, 205, 86], [40, 40, 80]],
    [[34, 193, 195], [253, 187, 45], [20, 60, 90]],
    [[131, 58, 180], [253, 29, 29], [252, 176, 69]],
    [[0, 82, 212], [67, 100, 247], [111, 177, 252]],
    [[17, 153, 142], [56, 239, 125], [10, 50, 40]],
    [[238, 9, 121], [255, 106, 0], [60, 10, 40]],
    [[44, 62, 80], [189, 195, 199], [231, 76, 60]],
    [[255, 175, 189], [255, 195, 160], [120, 60, 90]],
];

/// A poster-like picture: a diagonal gradient, a sun and a few bands, in
/// one of eight palettes, so that thumbnails are recognisably different.
fn picture(width: u32, height: u32, seed: u64) -> RgbImage {
    let [from, to, accent] = PALETTES[(seed % PALETTES.len() as u64) as usize];
    let variant = (seed / PALETTES.len() as u64) % 4;
    let (w, h) = (width as f32, height as f32);
    let sun_x = w * (0.25 + 0.5 * ((seed * 37 % 100) as f32 / 100.0));
    let sun_y = h * (0.25 + 0.3 * ((seed * 53 % 100) as f32 / 100.0));
    let radius = w.min(h) * (0.12 + 0.08 * (variant as f32));
    let mix = |a: u8, b: u8, t: f32| (f32::from(a) * (1.0 - t) + f32::from(b) * t) as u8;
    RgbImage::from_fn(width, height, |x, y| {
        let (fx, fy) = (x as f32, y as f32);
        let t = ((fx / w) * 0.4 + (fy / h) * 0.6).clamp(0.0, 1.0);
        let mut pixel = [
            mix(from[0], to[0], t),
            mix(from[1], to[1], t),
            mix(from[2], to[2], t),
        ];
        let dx = fx - sun_x;
        let dy = fy - sun_y;
        if dx * dx + dy * dy < radius * radius {
            pixel = [
                mix(pixel[0], 255, 0.7),
                mix(pixel[1], 245, 0.7),
                mix(pixel[2], 220, 0.7),
            ];
        }
        let wave =
            h * (0.7 + 0.05 * ((fx / w) * std::f32::consts::TAU * (1.0 + variant as f32)).sin());
        if fy > wave {
            let depth = ((fy - wave) / (h - wave + 1.0)).clamp(0.0, 1.0);
            pixel = [
                mix(accent[0], 0, depth * 0.5),
                mix(accent[1], 0, depth * 0.5),
                mix(accent[2], 0, depth * 0.5),
            ];
        }
        Rgb(pixel)
    })
}

/// A one-page PDF with a title and a line of text, with a correct xref table.
fn pdf(title: &str) -> Vec<u8> {
    let text = title.replace(['(', ')', '\\'], "");
    let stream = format!(
        "BT /F1 28 Tf 72 720 Td ({text}) Tj ET\nBT /F1 12 Tf 72 690 Td (Trove demo document. Generated for the asset library.) Tj ET\n"
    );
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>".to_owned(),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
        format!("<< /Length {} >>\nstream\n{stream}endstream", stream.len()),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (i, object) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{object}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// 16-bit mono PCM WAV: a tone with a short fade in and out.
fn wav(seconds: u32, hz: f32) -> Vec<u8> {
    const RATE: u32 = 22_050;
    let samples = RATE * seconds;
    let mut out = Vec::with_capacity(44 + samples as usize * 2);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(36 + samples * 2).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&16u32.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes()); // PCM
    out.extend_from_slice(&1u16.to_le_bytes()); // mono
    out.extend_from_slice(&RATE.to_le_bytes());
    out.extend_from_slice(&(RATE * 2).to_le_bytes());
    out.extend_from_slice(&2u16.to_le_bytes());
    out.extend_from_slice(&16u16.to_le_bytes());
    out.extend_from_slice(b"data");
    out.extend_from_slice(&(samples * 2).to_le_bytes());
    let fade = RATE as f32 * 0.05;
    for n in 0..samples {
        let t = n as f32 / RATE as f32;
        let envelope = (n as f32 / fade).min((samples - n) as f32 / fade).min(1.0);
        let value = (t * hz * std::f32::consts::TAU).sin() * 0.4 * envelope;
        out.extend_from_slice(&((value * f32::from(i16::MAX)) as i16).to_le_bytes());
    }
    out
}

/// A Motion-JPEG AVI: `frames` frames at 12 fps of a sun crossing the sky.
fn avi(frames: u32, palette: u64) -> anyhow::Result<Vec<u8>> {
    const WIDTH: u32 = 320;
    const HEIGHT: u32 = 180;
    const FPS: u32 = 12;
    let jpegs = (0..frames)
        .map(|frame| {
            encode(
                &picture(WIDTH, HEIGHT, palette + u64::from(frame) * 8),
                ImageFormat::Jpeg,
            )
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let biggest = jpegs.iter().map(Vec::len).max().unwrap_or(0) as u32;

    let chunk = |id: &[u8; 4], data: &[u8]| {
        let mut out = Vec::with_capacity(data.len() + 9);
        out.extend_from_slice(id);
        out.extend_from_slice(&(data.len() as u32).to_le_bytes());
        out.extend_from_slice(data);
        if data.len() % 2 == 1 {
            out.push(0);
        }
        out
    };
    let list = |kind: &[u8; 4], parts: &[Vec<u8>]| {
        let mut body = kind.to_vec();
        for part in parts {
            body.extend_from_slice(part);
        }
        chunk(b"LIST", &body)
    };
    let u32s = |values: &[u32]| {
        values
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect::<Vec<u8>>()
    };

    let avih = chunk(
        b"avih",
        &u32s(&[
            1_000_000 / FPS,
            biggest * FPS,
            0,
            0x10,
            frames,
            0,
            1,
            biggest,
            WIDTH,
            HEIGHT,
            0,
            0,
            0,
            0,
        ]),
    );
    let mut strh = b"vidsMJPG".to_vec();
    strh.extend(u32s(&[0, 0, 0, 1, FPS, 0, frames, biggest, u32::MAX, 0]));
    strh.extend(
        [0u16, 0, WIDTH as u16, HEIGHT as u16]
            .iter()
            .flat_map(|v| v.to_le_bytes()),
    );
    let mut strf = u32s(&[40, WIDTH, HEIGHT]);
    strf.extend(1u16.to_le_bytes());
    strf.extend(24u16.to_le_bytes());
    strf.extend_from_slice(b"MJPG");
    strf.extend(u32s(&[WIDTH * HEIGHT * 3, 0, 0, 0, 0]));
    let hdrl = list(
        b"hdrl",
        &[
            avih,
            list(b"strl", &[chunk(b"strh", &strh), chunk(b"strf", &strf)]),
        ],
    );

    let mut index = Vec::new();
    let mut offset = 4u32; // idx1 offsets count from the 'movi' fourcc
    let frames_data: Vec<Vec<u8>> = jpegs
        .iter()
        .map(|jpeg| {
            let data = chunk(b"00dc", jpeg);
            index.extend_from_slice(b"00dc");
            index.extend(u32s(&[0x10, offset, jpeg.len() as u32]));
            offset += data.len() as u32;
            data
        })
        .collect();
    let movi = list(b"movi", &frames_data);
    let idx1 = chunk(b"idx1", &index);

    let mut body = b"AVI ".to_vec();
    body.extend(hdrl);
    body.extend(movi);
    body.extend(idx1);
    Ok(chunk(b"RIFF", &body))
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
    fn generated_files_are_well_formed() {
        let png = render(
            &Content::Png {
                width: 64,
                height: 48,
            },
            3,
        )
        .unwrap();
        let decoded = image::load_from_memory(&png).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (64, 48));

        let pdf = pdf("A (title)");
        assert!(pdf.starts_with(b"%PDF-1.4"));
        assert!(pdf.ends_with(b"%%EOF\n"));
        let text = String::from_utf8(pdf).unwrap();
        let xref: usize = text
            .rsplit("startxref\n")
            .next()
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert!(text[xref..].starts_with("xref"));

        let wav = wav(1, 440.0);
        assert_eq!(&wav[..4], b"RIFF");
        assert_eq!(wav.len(), 44 + 22_050 * 2);

        let avi = avi(3, 1).unwrap();
        assert_eq!(&avi[..4], b"RIFF");
        assert_eq!(&avi[8..12], b"AVI ");
        assert_eq!(
            u32::from_le_bytes(avi[4..8].try_into().unwrap()) as usize,
            avi.len() - 8
        );
    }

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
