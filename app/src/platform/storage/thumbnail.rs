//! The thumbnail codec: header first, then a bounded decode, a shrink and
//! a JPEG. Blocking code: the store runs it through its decode gate.
//!
//! A PNG of 12000×12000 pixels compresses to ~400 KB but decodes to ~430 MB,
//! so the file size says nothing about the cost. The header says it all: its
//! size and colour type give the bytes a decode takes ([`Header`]). Pictures
//! above [`MAX_THUMBNAIL_PIXELS`] or [`MAX_DECODE_BYTES`] are never decoded
//! (they keep their dimensions and get no thumbnail); the store admits the
//! others against a shared memory budget; and the decoder's own [`Limits`]
//! catch a header that lies.

use std::io::{BufReader, Cursor, Seek, SeekFrom};

use image::{DynamicImage, ImageFormat, ImageReader, Limits};

use super::StorageError;

/// Longest edge of a thumbnail, in pixels (2× the listing's 48 px cell and
/// the details view's 160 px).
pub const THUMBNAIL_EDGE: u32 = 320;

/// Pictures with more pixels than this get no thumbnail: 50 megapixels,
/// more than a full-frame camera's photo.
pub const MAX_THUMBNAIL_PIXELS: u64 = 50_000_000;

/// The most one decode may take, and the budget all decodes at once share:
/// 200 MiB, an 8-bit RGBA picture of the pixel budget.
pub const MAX_DECODE_BYTES: u64 = 200 * 1024 * 1024;

/// No picture edge is longer than this (a panorama of 50,000 px is).
const MAX_EDGE: u32 = 50_000;

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

/// Where the original is read from (twice: the header, then the decode):
/// the stored file, or a remote store's copy spooled to a temporary file.
pub(super) struct Source(BufReader<std::fs::File>);

impl Source {
    pub(super) fn file(file: std::fs::File) -> Self {
        Self(BufReader::new(file))
    }

    fn rewound(&mut self) -> std::io::Result<&mut BufReader<std::fs::File>> {
        self.0.seek(SeekFrom::Start(0))?;
        Ok(&mut self.0)
    }
}

/// What a picture's header says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Header {
    pub(super) dimensions: Dimensions,
    format: ImageFormat,
    /// What decoding it takes: width × height × bytes per pixel.
    pub(super) decoded_bytes: u64,
}

impl Header {
    /// Whether it may be decoded at all.
    pub(super) fn within_budget(&self) -> bool {
        let Dimensions { width, height } = self.dimensions;
        u64::from(width) * u64::from(height) <= MAX_THUMBNAIL_PIXELS
            && self.decoded_bytes <= MAX_DECODE_BYTES
    }
}

fn limits() -> Limits {
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_EDGE);
    limits.max_image_height = Some(MAX_EDGE);
    // A header that understates the size meets this instead.
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    limits
}

/// Reads the header only; `None` when this is not an image the `image`
/// crate reads.
pub(super) fn read_header(source: &mut Source) -> Result<Option<Header>, StorageError> {
    let reader = ImageReader::new(source.rewound()?).with_guessed_format()?;
    let Some(format) = reader.format() else {
        return Ok(None);
    };
    let decoder = match reader.into_decoder() {
        Ok(decoder) => decoder,
        Err(image::ImageError::Unsupported(_)) => return Ok(None),
        Err(other) => return Err(other.into()),
    };
    let (width, height) = image::ImageDecoder::dimensions(&decoder);
    Ok(Some(Header {
        dimensions: Dimensions { width, height },
        format,
        decoded_bytes: image::ImageDecoder::total_bytes(&decoder),
    }))
}

/// Decodes the picture and encodes its JPEG thumbnail; `None` when it does
/// not decode (cut short, or bigger than its header said): the file is kept,
/// without a thumbnail.
pub(super) fn render(mut source: Source, header: &Header) -> Result<Option<Vec<u8>>, StorageError> {
    if !header.within_budget() {
        return Ok(None);
    }
    let mut reader = ImageReader::with_format(source.rewound()?, header.format);
    reader.limits(limits());
    let image = match reader.decode() {
        Ok(image) => image,
        Err(
            error @ (image::ImageError::Limits(_)
            | image::ImageError::Decoding(_)
            | image::ImageError::Unsupported(_)
            | image::ImageError::IoError(_)),
        ) => {
            tracing::info!(%error, "picture not decoded: no thumbnail");
            return Ok(None);
        }
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
    Ok(Some(jpeg))
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

    /// A PNG whose header describes a picture it does not contain.
    fn png_header_only(width: u32, height: u32, bit_depth: u8, colour_type: u8) -> Vec<u8> {
        fn crc32(bytes: &[u8]) -> u32 {
            let mut crc = !0_u32;
            for byte in bytes {
                crc ^= u32::from(*byte);
                for _ in 0..8 {
                    crc = if crc & 1 == 1 {
                        (crc >> 1) ^ 0xEDB8_8320
                    } else {
                        crc >> 1
                    };
                }
            }
            !crc
        }
        fn chunk(png: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
            png.extend_from_slice(&u32::try_from(data.len()).unwrap().to_be_bytes());
            let start = png.len();
            png.extend_from_slice(kind);
            png.extend_from_slice(data);
            let crc = crc32(&png[start..]);
            png.extend_from_slice(&crc.to_be_bytes());
        }
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        let mut ihdr = Vec::new();
        ihdr.extend_from_slice(&width.to_be_bytes());
        ihdr.extend_from_slice(&height.to_be_bytes());
        ihdr.extend_from_slice(&[bit_depth, colour_type, 0, 0, 0]);
        chunk(&mut png, b"IHDR", &ihdr);
        // An empty zlib stream: enough for the decoder to start.
        chunk(
            &mut png,
            b"IDAT",
            &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
        );
        chunk(&mut png, b"IEND", &[]);
        png
    }

    fn header_of(bytes: Vec<u8>) -> (Source, Option<Header>) {
        let mut file = tempfile::tempfile().unwrap();
        std::io::Write::write_all(&mut file, &bytes).unwrap();
        let mut source = Source::file(file);
        let header = read_header(&mut source).unwrap();
        (source, header)
    }

    #[test]
    fn a_picture_over_the_pixel_budget_keeps_its_size_and_is_not_decoded() {
        // 8000×7000 = 56 megapixels in a ~60 KB file.
        let png = grey_png(8000, 7000);
        assert!(png.len() < 1024 * 1024, "{} bytes", png.len());
        let started = std::time::Instant::now();
        let (source, header) = header_of(png);
        let header = header.unwrap();
        assert_eq!(
            header.dimensions,
            Dimensions {
                width: 8000,
                height: 7000
            }
        );
        assert!(!header.within_budget());
        assert_eq!(render(source, &header).unwrap(), None);
        // Reading a header takes microseconds; decoding this took seconds.
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
    }

    #[test]
    fn the_decode_cost_comes_from_the_colour_type() {
        // 7000×7000 is inside the pixel budget; in 16-bit RGBA it would take
        // 392 MB to decode, over the memory budget. Only the header is
        // read, so the PNG needs no real pixels.
        let png = png_header_only(7000, 7000, 16, 6);
        let (_, header) = header_of(png);
        let header = header.unwrap();
        assert_eq!(header.decoded_bytes, 7000 * 7000 * 8);
        assert!(!header.within_budget());

        let (_, grey) = header_of(grey_png(7000, 7000));
        assert_eq!(grey.unwrap().decoded_bytes, 7000 * 7000);
        assert!(grey.unwrap().within_budget());
    }

    #[test]
    fn a_header_that_lies_is_caught_by_the_decoder() {
        // The header says 4000×4000 (16 MP, inside the budget) but the
        // data is cut short: a decode error, not a panic, no thumbnail.
        let mut png = grey_png(4000, 4000);
        png.truncate(png.len() / 2);
        let (source, header) = header_of(png);
        let header = header.unwrap();
        assert_eq!(header.dimensions.width, 4000);
        assert_eq!(render(source, &header).unwrap(), None);
    }

    #[test]
    fn pictures_decode_from_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.png");
        std::fs::write(&path, grey_png(640, 400)).unwrap();
        let mut source = Source::file(std::fs::File::open(&path).unwrap());
        let header = read_header(&mut source).unwrap().unwrap();
        assert_eq!(
            header.dimensions,
            Dimensions {
                width: 640,
                height: 400
            }
        );
        let jpeg = render(source, &header).unwrap().unwrap();
        let thumb = image::load_from_memory(&jpeg).unwrap();
        assert_eq!((thumb.width(), thumb.height()), (320, 200));
    }

    #[test]
    fn not_pictures_are_none() {
        let (_, header) = header_of(b"%PDF-1.4 hello".to_vec());
        assert_eq!(header, None);
    }
}
