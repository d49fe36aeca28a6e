//! Small real files for the demo, generated on the spot: pictures (PNG and
//! JPEG), a PDF, WAV audio and an AVI video, deterministic per palette.

use std::io::Cursor;

use image::{DynamicImage, ImageFormat, Rgb, RgbImage};

/// What a demo file is made of.
#[derive(Debug, Clone)]
pub(super) enum Content {
    Png { width: u32, height: u32 },
    Jpeg { width: u32, height: u32 },
    Pdf { title: &'static str },
    Text { body: &'static str },
    Wav { seconds: u32, hz: f32 },
    Avi { frames: u32 },
}

pub(super) fn render(content: &Content, palette: u64) -> anyhow::Result<Vec<u8>> {
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
}
