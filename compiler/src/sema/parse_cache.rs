//! The syntax trees a hot-reload session keeps between checks of the same program, owned by
//! the caller that checks again (the compiler thread), not by the process.

use std::collections::HashMap;
use std::sync::Arc;

use super::incremental::BodyCache;
use crate::diagnostics::Diagnostic;
use crate::source::SourceOrigin;
use crate::syntax::ast;

/// The last syntax tree parsed without diagnostics for each file (by where it came from),
/// with the text it was parsed from. A hot-reload session checks the whole program again on
/// every save; the files that did not change (and the standard library) are found here
/// instead of being parsed again. Trees hold no file ids, so one parsed from the same text
/// is the same tree. One tree per file: keeping every version would grow with each save.
///
/// A single check (`lang check`, `lang run`) has none: copying every tree would only cost it
/// time and memory.
#[derive(Debug, Default)]
pub struct ParseCache {
    trees: HashMap<String, (Arc<String>, Arc<ast::Module>)>,
    /// The checks of module bodies, reused while what they read is unchanged: those of the
    /// program checked last.
    pub(super) bodies: BodyCache,
    /// The root of the program checked last, and the body caches of the other programs
    /// checked with this cache (an editor checks each open file as the root of its own
    /// program; one cache for all would be reset by every switch between them).
    bodies_root: Option<std::path::PathBuf>,
    other_bodies: HashMap<std::path::PathBuf, BodyCache>,
}

impl ParseCache {
    /// The display names of the modules whose bodies the last check checked again (the
    /// others' checks were reused): hot reload's `LANG_HMR_DEBUG` shows them.
    pub fn last_checked(&self) -> &[String] {
        self.bodies.last_checked()
    }

    /// The display names of the modules whose interfaces the last check computed again (the
    /// others' were reused): hot reload's `LANG_HMR_DEBUG` shows them.
    pub fn last_interfaces_computed(&self) -> &[String] {
        self.bodies.last_interfaces_computed()
    }

    /// How many modules' items the last check collected again (the others' were the last
    /// check's): `None` when it collected every module's.
    pub fn last_items_collected(&self) -> Option<usize> {
        self.bodies.items.last_collected()
    }
}

impl ParseCache {
    /// Makes `bodies` the body cache of the program whose main file is `root`.
    pub(super) fn select_root(&mut self, root: &std::path::Path) {
        if self.bodies_root.as_deref() == Some(root) {
            return;
        }
        let selected = self.other_bodies.remove(root).unwrap_or_default();
        let previous = std::mem::replace(&mut self.bodies, selected);
        if let Some(previous_root) = self.bodies_root.replace(root.to_path_buf()) {
            self.other_bodies.insert(previous_root, previous);
        }
    }

    /// The tree of `text`, the file `origin`: the kept one when the file was parsed from the
    /// same text before, else parsed now (and kept when it parsed without diagnostics).
    #[cfg(test)]
    pub(super) fn parse(
        &mut self,
        origin: &SourceOrigin,
        text: &str,
        file: crate::source::FileId,
    ) -> (Arc<ast::Module>, Vec<Diagnostic>) {
        let text = &Arc::new(text.to_string());
        if let Some(tree) = self.lookup(origin, text) {
            return (tree, Vec::new());
        }
        let (tree, diagnostics) = crate::syntax::parse_file(text, file);
        let tree = Arc::new(tree);
        self.keep(origin, text, &tree, &diagnostics);
        (tree, diagnostics)
    }

    /// The kept tree of the file `origin` when it was parsed from the same `text` before.
    pub(super) fn lookup(&self, origin: &SourceOrigin, text: &Arc<String>) -> Option<Arc<ast::Module>> {
        self.trees
            .get(&format!("{origin:?}"))
            // The loader of a hot-reload session hands out the text it kept for an unchanged
            // file: the same text, known without comparing it.
            .filter(|(parsed_text, _)| Arc::ptr_eq(parsed_text, text) || parsed_text == text)
            .map(|(_, tree)| tree.clone())
    }

    /// Keeps `tree`, parsed from `text`, as the file's tree when it parsed without diagnostics.
    pub(super) fn keep(
        &mut self,
        origin: &SourceOrigin,
        text: &Arc<String>,
        tree: &Arc<ast::Module>,
        diagnostics: &[Diagnostic],
    ) {
        if diagnostics.is_empty() {
            self.trees.insert(format!("{origin:?}"), (text.clone(), tree.clone()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    #[test]
    fn keeps_one_tree_per_file_and_only_trees_without_diagnostics() {
        let origin = SourceOrigin::File("main.ln".into());
        let key = format!("{origin:?}");
        let mut cache = ParseCache::default();
        let (tree, diagnostics) = cache.parse(&origin, "fn main() {}\n", FileId(0));
        assert!(diagnostics.is_empty());
        let (again, _) = cache.parse(&origin, "fn main() {}\n", FileId(0));
        assert_eq!(tree, again);
        cache.parse(&origin, "fn main() { print(1) }\n", FileId(0));
        assert_eq!(cache.trees.len(), 1);
        assert_eq!(cache.trees[&key].0.as_str(), "fn main() { print(1) }\n");
        let (_, diagnostics) = cache.parse(&origin, "fn main( {\n", FileId(0));
        assert!(!diagnostics.is_empty());
        assert_eq!(cache.trees[&key].0.as_str(), "fn main() { print(1) }\n");
    }
}
