//! Positions: byte offsets ↔ LSP positions in the negotiated encoding.
//!
//! An LSP position is a 0-based line and a 0-based column counted in the
//! units the client and the server agreed on in `initialize`: UTF-8 bytes
//! when the client offers `utf-8` (LSP 3.17 `general.positionEncodings`),
//! otherwise UTF-16 code units, the protocol's default. Lines break at
//! `\n`, `\r\n` and a lone `\r`, in LSP as in YAML, so the file's
//! [`LineIndex`] serves both.

use lsp_types::{Position, PositionEncodingKind, Range};

use crate::source::{LineIndex, SourceFile};
use crate::span::Span;

/// The column unit of LSP positions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

impl Encoding {
    /// The encoding to use given what the client offers: `utf-8` when it is
    /// offered, else UTF-16, which every client supports.
    pub fn negotiate(offered: Option<&[PositionEncodingKind]>) -> Encoding {
        match offered {
            Some(kinds) if kinds.contains(&PositionEncodingKind::UTF8) => Encoding::Utf8,
            _ => Encoding::Utf16,
        }
    }

    pub fn kind(self) -> PositionEncodingKind {
        match self {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
        }
    }

    fn width(self, c: char) -> usize {
        match self {
            Encoding::Utf8 => c.len_utf8(),
            Encoding::Utf16 => c.len_utf16(),
        }
    }
}

/// Converts positions in one text. `bom` is set when the client's copy of
/// the text starts with a byte order mark that the loader removed: the
/// client counts it as a character of the first line.
#[derive(Clone, Copy)]
pub struct Converter<'a> {
    pub text: &'a str,
    pub lines: &'a LineIndex,
    pub encoding: Encoding,
    pub bom: bool,
    /// The loaded file, whose UTF-16 columns are counted from checkpoints
    /// on long lines ([`SourceFile::counts`]).
    pub file: Option<&'a SourceFile>,
}

impl<'a> Converter<'a> {
    pub fn new(text: &'a str, lines: &'a LineIndex, encoding: Encoding) -> Converter<'a> {
        Converter {
            text,
            lines,
            encoding,
            bom: false,
            file: None,
        }
    }

    /// For a loaded file; `client_bom` when the client's copy keeps the
    /// byte order mark the file starts with.
    pub fn for_file(file: &'a SourceFile, encoding: Encoding, client_bom: bool) -> Converter<'a> {
        Converter {
            text: &file.text,
            lines: &file.lines,
            encoding,
            bom: client_bom && file.bom,
            file: Some(file),
        }
    }

    fn bom_width(&self, line: usize) -> usize {
        if self.bom && line == 0 {
            self.encoding.width('\u{FEFF}')
        } else {
            0
        }
    }

    /// The LSP position of a byte offset (clamped to the text, moved back to
    /// a character boundary).
    pub fn position(&self, offset: usize) -> Position {
        let text = self.text;
        let offset = crate::source::floor_char_boundary(text, offset.min(text.len()));
        let line = self.lines.line_of(offset);
        let start = self.lines.line_start(line).min(offset);
        let before = &text[start..offset];
        let col = match self.encoding {
            Encoding::Utf8 => before.len(),
            Encoding::Utf16 => match self.file {
                Some(file) => file.counts(offset).2,
                None => before.encode_utf16().count(),
            },
        } + self.bom_width(line);
        Position::new(line as u32, col as u32)
    }

    pub fn range(&self, span: Span) -> Range {
        Range::new(
            self.position(span.start as usize),
            self.position(span.end as usize),
        )
    }

    /// The byte offset of an LSP position. A line past the end is the end
    /// of the text; a column past the end of its line, or inside a
    /// character, is the end of the line, or the start of that character
    /// (as the protocol asks).
    pub fn offset(&self, pos: Position) -> usize {
        let line = pos.line as usize;
        if line >= self.lines.line_count() {
            return self.text.len();
        }
        let range = self.lines.line_range(self.text, line);
        let want = (pos.character as usize).saturating_sub(self.bom_width(line));
        let mut units = 0;
        for (i, c) in self.text[range.clone()].char_indices() {
            let w = self.encoding.width(c);
            if units + w > want {
                return range.start + i;
            }
            units += w;
        }
        range.end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conv(text: &str, encoding: Encoding, f: impl FnOnce(Converter<'_>)) {
        let lines = LineIndex::new(text);
        f(Converter::new(text, &lines, encoding));
    }

    #[test]
    fn columns_in_each_encoding() {
        // `é` is 2 bytes and 1 UTF-16 unit, `𝄞` 4 bytes and 2 units.
        let text = "a: 1\r\nnote: \"é𝄞\" x\rz";
        let x = text.find('x').unwrap();
        conv(text, Encoding::Utf8, |c| {
            assert_eq!(c.position(x), Position::new(1, 15));
            assert_eq!(c.offset(Position::new(1, 15)), x);
        });
        conv(text, Encoding::Utf16, |c| {
            assert_eq!(c.position(x), Position::new(1, 12));
            assert_eq!(c.offset(Position::new(1, 12)), x);
            // A lone `\r` breaks lines too.
            assert_eq!(c.position(text.len() - 1), Position::new(2, 0));
        });
    }

    #[test]
    fn offsets_are_clamped() {
        let text = "ab\n𝄞c\n";
        conv(text, Encoding::Utf16, |c| {
            // Past the end of a line: the end of the line, before its break.
            assert_eq!(c.offset(Position::new(0, 99)), 2);
            // Inside the surrogate pair: the start of the character.
            assert_eq!(c.offset(Position::new(1, 1)), 3);
            assert_eq!(c.offset(Position::new(1, 2)), 7);
            // Past the last line: the end of the text.
            assert_eq!(c.offset(Position::new(9, 0)), text.len());
            // An offset inside a character or past the end.
            assert_eq!(c.position(4), Position::new(1, 0));
            assert_eq!(c.position(99), Position::new(2, 0));
        });
    }

    #[test]
    fn byte_order_mark_kept_by_the_client() {
        let file = SourceFile::new("c.yaml".into(), "a: é\nb: 1", true);
        let c = Converter::for_file(&file, Encoding::Utf16, true);
        assert_eq!(c.position(3), Position::new(0, 4));
        assert_eq!(c.offset(Position::new(0, 4)), 3);
        assert_eq!(c.position(6), Position::new(1, 0));
        let c = Converter::for_file(&file, Encoding::Utf8, true);
        assert_eq!(c.position(3), Position::new(0, 6));
        let c = Converter::for_file(&file, Encoding::Utf8, false);
        assert_eq!(c.position(3), Position::new(0, 3));
    }

    /// A loaded file's UTF-16 columns (counted from checkpoints on long
    /// lines) are those of the text alone, at every offset.
    #[test]
    fn positions_of_a_loaded_file_are_those_of_its_text() {
        let text = format!("a: é\nb: {}\nc: 1\n", "x\u{1d11e}é ".repeat(2000));
        let file = SourceFile::new("c.yaml".into(), text.as_str(), false);
        let lines = LineIndex::new(&text);
        let plain = Converter::new(&text, &lines, Encoding::Utf16);
        let loaded = Converter::for_file(&file, Encoding::Utf16, false);
        for offset in (0..text.len() + 2).filter(|o| o % 5 == 0 || o % 4099 < 9) {
            assert_eq!(
                loaded.position(offset),
                plain.position(offset),
                "at {offset}"
            );
        }
    }

    #[test]
    fn negotiation_prefers_utf8_and_falls_back_to_utf16() {
        let both = [PositionEncodingKind::UTF16, PositionEncodingKind::UTF8];
        assert_eq!(Encoding::negotiate(Some(&both)), Encoding::Utf8);
        assert_eq!(
            Encoding::negotiate(Some(&[PositionEncodingKind::UTF32])),
            Encoding::Utf16
        );
        assert_eq!(Encoding::negotiate(None), Encoding::Utf16);
    }
}
