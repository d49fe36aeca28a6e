//! The thumbnail codec: header first, then a bounded decode, a shrink and
//! a JPEG. Blocking code: the store runs it through its decode gate.
//!
//! A PNG of 12000×12000 pixels compresses to ~400 KB but decodes to ~430 MB,
//! so the file size says nothing about the cost. The header says it all:
//! pictures above [`MAX_THUMBNAIL_PIXELS`] are never decoded (they keep their
//! dimensions and get no thumbnail), and the decoder's own [`Limits`] catch
//! a header that lies.

use std::io::{BufRead, BufReader, Cursor, Seek, SeekFrom};

use bytes::Bytes;
use image::{DynamicImage, ImageFormat, ImageReader, Limits};

use super::StorageError;

/// Longest edge of a thumbnail, in pixels (2× the listing's 48 px cell and
/// the details view's 160 px).
pub const THUMBNAIL_EDGE: u32 = 320;

/// Pictures with more pixels than this get no thumbnail: 50 megapixels,
/// more than a full-frame camera's photo.
pub const MAX_THUMBNAIL_PIXELS: u64 = 50_000_000;

/// The most a decoder may allocate: an RGBA picture of the pixel budget.
const MAX_DECODE_BYTES: u64 = MAX_THUMBNAIL_PIXELS * 4 + 16 * 1024 * 1024;

/// Pixel size of an image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dimensions {
    pub width: u32,
    pub height: u32,
}

/// What the thumbnailer learnt of a picture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Picture {
    pub dimensions: Dimensions,
    /// Whether a thumbnail was written (not for pictures over the budget
    /// or that fail to decode).
    pub thumbnail: bool,
}

/// Where the original is read from.
pub(super) enum Source {
    File(std::fs::File),
    Bytes(Bytes),
}

/// The picture's dimensions and, if it was decoded, its JPEG thumbnail;
/// `None` when it is not an image the `image` crate reads.
pub(super) type Rendered = Option<(Dimensions, Option<Vec<u8>>)>;

pub(super) fn render(source: Source) -> Result<Rendered, StorageError> {
    match source {
        Source::File(file) => render_from(BufReader::new(file)),
        Source::Bytes(bytes) => render_from(Cursor::new(bytes)),
    }
}

fn limits() -> Limits {
    let mut limits = Limits::default();
    // No edge may be longer than the budget allows for a 1-pixel-wide
    // picture; the allocation cap bounds the total.
    let edge = u32::try_from(MAX_THUMBNAIL_PIXELS).unwrap_or(u32::MAX);
    limits.max_image_width = Some(edge);
    limits.max_image_height = Some(edge);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    limits
}

fn render_from<R: BufRead + Seek>(mut input: R) -> Result<Rendered, StorageError> {
    let mut header = ImageReader::new(&mut input).with_guessed_format()?;
    let Some(format) = header.format() else {
        return Ok(None);
    };
    header.limits(limits());
    let (width, height) = match header.into_dimensions() {
        Ok(size) => size,
        Err(image::ImageError::Unsupported(_)) => return Ok(None),
        Err(other) => return Err(other.into()),
    };
    let dimensions = Dimensions { width, height };
    if u64::from(width) * u64::from(height) > MAX_THUMBNAIL_PIXELS {
        tracing::info!(width, height, "picture over the pixel budget: no thumbnail");
        return Ok(Some((dimensions, None)));
    }
    input.seek(SeekFrom::Start(0))?;
    let mut reader = ImageReader::with_format(&mut input, format);
    reader.limits(limits());
    let image = match reader.decode() {
        Ok(image) => image,
        // A header that lies (cut short, or bigger than it said) is the
        // file's fault: keep it, without a thumbnail.
        Err(
            error @ (image::ImageError::Limits(_)
            | image::ImageError::Decoding(_)
            | image::ImageError::IoError(_)),
        ) => {
            tracing::info!(%error, "picture not decoded: no thumbnail");
            return Ok(Some((dimensions, None)));
        }
        Err(image::ImageError::Unsupported(_)) => return Ok(Some((dimensions, None))),
        Err(other) => return Err(other.into()),
    };
    // `thumbnail` averages pixels with integer arithmetic: much faster than
    // a filtered resize, and as good when shrinking by a large factor.
    let small = if image.width() > THUMBNAIL_EDGE || image.height() > THUMBNAIL_EDGE {
        image.thumbnail(THUMBNAIL_EDGE, THUMBNAIL_EDGE)
    } else {
        image
    };
    // JPEG has no alpha: flatten onto white so transparent PNGs look right.
    let rgb = DynamicImage::ImageRgb8(flatten_on_white(&small));
    let mut jpeg = Vec::new();
    rgb.write_to(&mut Cursor::new(&mut jpeg), ImageFormat::Jpeg)?;
    Ok(Some((dimensions, Some(jpeg))))
}

fn flatten_on_white(image: &DynamicImage) -> image::RgbImage {
    let rgba = image.to_rgba8();
    image::RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let [r, g, b, a] = rgba.get_pixel(x, y).0;
        let blend =
            |c: u8| ((u16::from(c) * u16::from(a) + 255 * (255 - u16::from(a))) / 255) as u8;
        image::Rgb([blend(r), blend(g), blend(b)])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A grey PNG: small on disk whatever its size in pixels.
    fn grey_png(width: u32, height: u32) -> Vec<u8> {
        let image = image::GrayImage::from_pixel(width, height, image::Luma([90]));
        let mut png = Vec::new();
        DynamicImage::ImageLuma8(image)
            .write_to(&mut Cursor::new(&mut png), ImageFormat::Png)
            .unwrap();
        png
    }

    #[test]
    fn a_picture_over_the_pixel_budget_keeps_its_size_and_is_not_decoded() {
        // 8000×7000 = 56 megapixels in a ~60 KB file.
        let png = grey_png(8000, 7000);
        assert!(png.len() < 1024 * 1024, "{} bytes", png.len());
        let started = std::time::Instant::now();
        let rendered = render(Source::Bytes(Bytes::from(png))).unwrap();
        assert_eq!(
            rendered,
            Some((
                Dimensions {
                    width: 8000,
                    height: 7000
                },
                None
            ))
        );
        // Reading a header takes microseconds; decoding this took seconds.
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
    }

    #[test]
    fn a_header_that_lies_is_caught_by_the_decoder_limits() {
        // The header says 4000×4000 (16 MP, inside the budget) but the
        // data is cut short: a decode error, not a panic, no thumbnail.
        let mut png = grey_png(4000, 4000);
        png.truncate(png.len() / 2);
        let rendered = render(Source::Bytes(Bytes::from(png))).unwrap();
        assert_eq!(
            rendered,
            Some((
                Dimensions {
                    width: 4000,
                    height: 4000
                },
                None
            ))
        );
    }

    #[test]
    fn pictures_decode_from_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.png");
        std::fs::write(&path, grey_png(640, 400)).unwrap();
        let file = std::fs::File::open(&path).unwrap();
        let (dimensions, jpeg) = render(Source::File(file)).unwrap().unwrap();
        assert_eq!((dimensions.width, dimensions.height), (640, 400));
        let thumb = image::load_from_memory(&jpeg.unwrap()).unwrap();
        assert_eq!((thumb.width(), thumb.height()), (320, 200));
    }

    #[test]
    fn not_pictures_are_none() {
        let rendered = render(Source::Bytes(Bytes::from_static(b"%PDF-1.4 hello"))).unwrap();
        assert_eq!(rendered, None);
    }
}
