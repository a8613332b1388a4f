//! Text being typed: a prompt's answer, the filter, a form's field. The
//! editing itself (cursor, words, wide characters) is tui-input's.

use tui_input::{Input, InputRequest};

/// A line of text with a cursor, counted in characters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Typed {
    pub text: String,
    pub cursor: usize,
}

impl Typed {
    /// `text` with the cursor at its end.
    pub fn new(text: impl Into<String>) -> Typed {
        let text = text.into();
        Typed {
            cursor: text.chars().count(),
            text,
        }
    }

    /// Applies one edit; says whether the text changed.
    pub fn edit(&mut self, request: InputRequest) -> bool {
        edit(&mut self.text, &mut self.cursor, request)
    }

    /// The text before and after the cursor, for drawing it between them.
    pub fn split(&self) -> (&str, &str) {
        split(&self.text, self.cursor)
    }
}

/// Applies one edit to `text` at `cursor`; says whether the text changed.
pub fn edit(text: &mut String, cursor: &mut usize, request: InputRequest) -> bool {
    // Text replaced under a cursor (a conflict resolved) may be shorter than it knew.
    let at = (*cursor).min(text.chars().count());
    let mut input = Input::new(std::mem::take(text)).with_cursor(at);
    let changed = input.handle(request).is_some_and(|change| change.value);
    *cursor = input.cursor();
    *text = input.value_and_reset();
    changed
}

/// `text` split at character `cursor`.
pub fn split(text: &str, cursor: usize) -> (&str, &str) {
    let at = text
        .char_indices()
        .nth(cursor)
        .map_or(text.len(), |(i, _)| i);
    text.split_at(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_and_wide_characters_edit_as_a_person_expects() {
        let mut typed = Typed::new("visit 上门演示");
        // Word by word as Unicode segments text: each Chinese character is one.
        assert!(typed.edit(InputRequest::DeletePrevWord));
        assert_eq!(typed.text, "visit 上门演");
        typed = Typed::new("visit demo");
        assert!(typed.edit(InputRequest::DeletePrevWord));
        assert_eq!(typed.text, "visit ");
        typed.edit(InputRequest::GoToStart);
        typed.edit(InputRequest::InsertChar('拜'));
        assert_eq!(typed.split(), ("拜", "visit "));
        typed.edit(InputRequest::GoToEnd);
        assert!(!typed.edit(InputRequest::DeleteNextChar));
        typed.edit(InputRequest::GoToPrevChar);
        assert!(typed.edit(InputRequest::DeleteNextChar));
        assert_eq!(typed.text, "拜visit");
        assert!(typed.edit(InputRequest::DeleteLine));
        assert_eq!(typed, Typed::default());
    }
}
