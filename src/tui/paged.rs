//! A long list of which only a window around the cursor is loaded: the
//! views hold a page of rows, never the whole pipeline.

/// How many rows a list loads at a time: more than most screens show, far
/// fewer than a large pipeline holds; each is read with its grade, flags and
/// next revisit, so fewer is faster.
pub const PAGE: usize = 80;

#[derive(Debug, Clone)]
pub struct Paged<T> {
    /// The loaded rows: positions `offset..offset + rows.len()` of the list.
    pub rows: Vec<T>,
    pub offset: usize,
    /// The cursor, as a position in the whole list.
    pub selected: usize,
    /// How long the whole list is; while not `exact`, how long it is known
    /// to be at least (counting a filtered list costs a search of all of it).
    pub total: usize,
    pub exact: bool,
}

impl<T> Default for Paged<T> {
    fn default() -> Self {
        Paged {
            rows: Vec::new(),
            offset: 0,
            selected: 0,
            total: 0,
            exact: true,
        }
    }
}

impl<T> Paged<T> {
    /// The row under the cursor, if it is loaded.
    pub fn current(&self) -> Option<&T> {
        self.selected
            .checked_sub(self.offset)
            .and_then(|i| self.rows.get(i))
    }

    /// The cursor's place among the loaded rows, for the list widget.
    pub fn cursor(&self) -> usize {
        self.selected.saturating_sub(self.offset)
    }

    /// Moves the cursor within the whole list; says whether it left the
    /// loaded rows, so that the list must be loaded around it.
    pub fn step(&mut self, by: isize) -> bool {
        self.selected = self
            .selected
            .saturating_add_signed(by)
            .min(self.total.saturating_sub(1));
        !self.covers(self.selected)
    }

    /// Puts the cursor on the loaded row `index`, if there is one.
    pub fn select_loaded(&mut self, index: usize) {
        if index < self.rows.len() {
            self.selected = self.offset + index;
        }
    }

    /// Puts the cursor on the first loaded row that `is` holds for; says
    /// whether there was one.
    pub fn select_first(&mut self, is: impl Fn(&T) -> bool) -> bool {
        match self.rows.iter().position(is) {
            Some(at) => {
                self.select_loaded(at);
                true
            }
            None => false,
        }
    }

    fn covers(&self, position: usize) -> bool {
        position >= self.offset && position < self.offset + self.rows.len()
    }

    /// Where the next load should start: where it is while the cursor stays
    /// inside, else so that the cursor sits in the middle of the page.
    fn window_start(&self) -> usize {
        if self.covers(self.selected) {
            self.offset
        } else {
            self.selected.saturating_sub(PAGE / 2)
        }
    }

    /// Loads the page around the cursor with `fetch(offset)`, and the whole
    /// length with `count` only when the page does not tell it already;
    /// `count` may not know (`None`), and then the list is known to go on
    /// as long as pages come back full.
    pub fn load<E>(
        &mut self,
        mut fetch: impl FnMut(usize) -> Result<Vec<T>, E>,
        count: impl FnOnce() -> Result<Option<usize>, E>,
    ) -> Result<(), E> {
        let mut count = Some(count);
        let mut counted = None;
        let mut offset = self.window_start();
        let mut rows = fetch(offset)?;
        // The list may have shrunk below the window (a filter, another
        // change): load again where it still has rows, its end if known.
        if rows.is_empty() && offset > 0 {
            let known = count.take().map_or(Ok(None), |count| count())?;
            offset = known.map_or(0, |total| total.saturating_sub(PAGE / 2));
            rows = fetch(offset)?;
            counted = Some(known);
        }
        let short = rows.len() < PAGE;
        let known = if offset == 0 && short {
            Some(rows.len())
        } else if let Some(known) = counted {
            known
        } else {
            count.take().map_or(Ok(None), |count| count())?
        };
        let (total, exact) = match known {
            Some(total) => (total, true),
            None if short => (offset + rows.len(), true),
            // One more than loaded, so that the cursor can step on and load it.
            None => (offset + rows.len() + 1, false),
        };
        if total == 0 {
            *self = Paged::default();
            return Ok(());
        }
        self.offset = offset;
        self.rows = rows;
        self.total = total;
        self.exact = exact;
        let last_loaded = (offset + self.rows.len()).saturating_sub(1).max(offset);
        self.selected = self.selected.clamp(offset, last_loaded);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A list of the numbers `0..len`, loaded a page at a time.
    fn list(len: usize) -> impl FnMut(usize) -> Result<Vec<usize>, ()> {
        move |offset| Ok((offset..len.min(offset + PAGE)).collect())
    }

    #[test]
    fn a_short_list_is_loaded_whole_without_counting() {
        let mut page = Paged::default();
        page.load(list(5), || panic!("no count needed")).unwrap();
        assert_eq!((page.rows.len(), page.total), (5, 5));
        assert_eq!(page.current(), Some(&0));
    }

    #[test]
    fn the_cursor_walks_past_the_first_page_and_back() {
        let mut page = Paged::default();
        page.load(list(1000), || Ok(Some(1000))).unwrap();
        let mut loads = 0;
        for expected in 1..1000 {
            if page.step(1) {
                loads += 1;
                page.load(list(1000), || Ok(Some(1000))).unwrap();
            }
            assert_eq!(page.current(), Some(&expected));
        }
        assert!(!page.step(1), "the cursor stops at the last row");
        assert_eq!(page.current(), Some(&999));
        // A load every half page at most, and never one per step.
        assert!(
            (1000 / PAGE..=2 * 1000 / PAGE + 1).contains(&loads),
            "{loads} loads"
        );
        for expected in (0..999).rev() {
            if page.step(-1) {
                page.load(list(1000), || Ok(Some(1000))).unwrap();
            }
            assert_eq!(page.current(), Some(&expected));
        }
    }

    #[test]
    fn a_list_that_shrank_under_the_cursor_keeps_it_on_a_row() {
        let mut page = Paged::default();
        page.load(list(1000), || Ok(Some(1000))).unwrap();
        for _ in 0..900 {
            if page.step(1) {
                page.load(list(1000), || Ok(Some(1000))).unwrap();
            }
        }
        page.load(list(30), || Ok(Some(30))).unwrap();
        assert_eq!(page.total, 30);
        assert_eq!(page.current(), Some(&29));
        page.load(list(0), || Ok(Some(0))).unwrap();
        assert_eq!(page.current(), None);
        assert_eq!(page.cursor(), 0);
    }

    #[test]
    fn a_filtered_list_shorter_than_where_the_cursor_was_starts_again_at_its_top() {
        let mut page = Paged::default();
        page.load(list(1000), || Ok(Some(1000))).unwrap();
        for _ in 0..500 {
            if page.step(1) {
                page.load(list(1000), || Ok(Some(1000))).unwrap();
            }
        }
        page.load(list(30), || Ok(None)).unwrap();
        assert_eq!((page.total, page.exact), (30, true));
        assert_eq!(page.current(), Some(&29));
    }

    #[test]
    fn a_list_of_unknown_length_goes_on_while_pages_come_back_full() {
        let mut page = Paged::default();
        page.load(list(500), || Ok(None)).unwrap();
        assert!(!page.exact);
        for expected in 1..500 {
            if page.step(1) {
                page.load(list(500), || Ok(None)).unwrap();
            }
            assert_eq!(page.current(), Some(&expected));
        }
        page.step(1);
        page.load(list(500), || Ok(None)).unwrap();
        assert_eq!(
            page.current(),
            Some(&499),
            "the cursor stops at the last row"
        );
        assert_eq!((page.total, page.exact), (500, true));
    }
}
