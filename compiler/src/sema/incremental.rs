//! Incremental checking for hot reload (LANGUAGE.md section 7 item 14): the bodies of a module
//! are checked again only when something they can see changed; otherwise the side tables its
//! last check recorded are reused as they are.
//!
//! A module's check reads its own text, the signatures of the items of the modules it imports
//! (directly or not: a field of an imported struct may have a type of a third module), the
//! initializers of their untyped variables (whose types are inferred), and the ids the items
//! of the whole program got. Its *fingerprint* hashes exactly those, so an equal fingerprint
//! means the same check: the cached tables, and the variable types it inferred, are the
//! result. Spans of other modules' items are not part of it (a body edit above them shifts
//! them), so only checks that reported no diagnostic (whose labels may point at such spans)
//! are cached. A check that typed another module's variable recorded nodes of that file: the
//! cached entry then also needs that file's text unchanged.

use std::collections::hash_map::DefaultHasher;
use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use super::interface::ModuleInterface;
use super::program::{Program, module_key};
use super::results::ResultTables;
use super::types::{Items, ModuleId, Type, VariableId};
use crate::source::{FileId, SourceMap, Span};
use crate::syntax::ast;

/// What the last checks of a program's modules found, kept by a hot-reload session between
/// checks (inside its `ParseCache`).
#[derive(Debug, Default)]
pub struct BodyCache {
    modules: HashMap<String, CachedModule>,
    /// The modules whose bodies the last check checked (not reused), in program order.
    checked: Vec<String>,
    /// Per module key: the tree its text hash was computed from (shared with the parse cache,
    /// which hands out the same tree for the same text), and that hash. Hashing the text of
    /// every module on each save would make a reload cost grow with the program.
    text_hashes: HashMap<String, (Arc<ast::Module>, u64)>,
    /// Per module key: the fingerprint its interface was computed with, and that interface.
    /// An equal fingerprint means the same items seen the same way: the same interface.
    interfaces: HashMap<String, (u64, Arc<ModuleInterface>)>,
    /// The fingerprints of the modules of the last check, in program order (empty after a
    /// check that stopped before the bodies).
    last_fingerprints: Vec<u64>,
    /// The modules whose interfaces the last check computed (not reused), in program order.
    interfaces_computed: Vec<String>,
    /// The item tables of the last check (`item_reuse`).
    pub(super) items: super::item_reuse::ItemCache,
    /// The item hashes of the last check, when it checked bodies.
    pub(super) item_hashes: Option<ItemHashes>,
}

#[derive(Debug)]
struct CachedModule {
    fingerprint: u64,
    tables: Arc<ResultTables>,
    /// The files `tables` holds nodes of (`ResultTables::files`), found once when recorded.
    files: Vec<FileId>,
    /// The variables (of any module) whose initializers this check typed, with their types.
    variables: Vec<(VariableId, Option<Type>)>,
    /// The variables of other modules that this check typed (their initializers are the only
    /// nodes of other files that `tables` holds), with where their initializers were and a
    /// hash of their text: the entry is right while both are the same.
    foreign_initializers: Vec<(VariableId, Span, u64)>,
}

impl BodyCache {
    /// The display names of the modules whose bodies the last check checked.
    pub fn last_checked(&self) -> &[String] {
        &self.checked
    }

    /// The display names of the modules whose interfaces the last check computed again.
    pub fn last_interfaces_computed(&self) -> &[String] {
        &self.interfaces_computed
    }

    /// The hash of each module's text, in program order: a module whose tree is the one kept
    /// for its key (the parse cache gave it back: same text) keeps its hash.
    pub(super) fn text_hashes(&mut self, program: &Program, sources: &SourceMap) -> Vec<u64> {
        (0..program.modules.len())
            .map(|index| {
                let module = &program.modules[index];
                let key = module_key(program, ModuleId(index as u32));
                if let Some((tree, hash)) = self.text_hashes.get(&key)
                    && Arc::ptr_eq(tree, &module.ast)
                {
                    return *hash;
                }
                let hash = hash_of(&sources.get(module.file).text);
                self.text_hashes.insert(key, (module.ast.clone(), hash));
                hash
            })
            .collect()
    }

    /// The interface of `module`: the one computed by an earlier check with the same
    /// fingerprint, else `compute()` (kept for the next check).
    pub(super) fn interface(
        &mut self,
        program: &Program,
        module: ModuleId,
        sources: &SourceMap,
        compute: impl FnOnce() -> ModuleInterface,
    ) -> Arc<ModuleInterface> {
        let key = module_key(program, module);
        let fingerprint = self.last_fingerprints.get(module.0 as usize).copied();
        if let Some(fingerprint) = fingerprint
            && let Some((cached, interface)) = self.interfaces.get(&key)
            && *cached == fingerprint
        {
            return interface.clone();
        }
        let interface = Arc::new(compute());
        self.interfaces_computed
            .push(sources.get(program.module(module).file).display_name.clone());
        match fingerprint {
            Some(fingerprint) => {
                self.interfaces.insert(key, (fingerprint, interface.clone()));
            }
            None => {
                self.interfaces.remove(&key);
            }
        }
        interface
    }

    /// After a check that reported errors: its interfaces are not kept (an erroneous check
    /// is never the base of a reload).
    pub(super) fn forget_interfaces(&mut self) {
        self.interfaces.clear();
    }
}

fn hash_of(value: impl Hash) -> u64 {
    let mut hasher = DefaultHasher::new();
    value.hash(&mut hasher);
    hasher.finish()
}

/// The fingerprints of every module of one check (see the file comment).
pub(super) struct Fingerprints {
    pub(super) of_module: Vec<u64>,
}

/// The parts of the fingerprints that hash the item tables: the layout of every item, and each
/// module's signatures. Kept between checks: when the item tables were the last check's with
/// a few modules taken again (`item_reuse`), the layout is the same and so are the signatures
/// of every other module (types name items by id), and hashing them all again would make a
/// reload cost grow with the program.
#[derive(Debug, Clone)]
pub(super) struct ItemHashes {
    /// The modules, their files and what their imports name (module ids index tables too).
    modules: u64,
    /// Per module: the id and name of each of its items. A module's check sees only the items
    /// of the modules it imports, directly or not, so only their ids are in its fingerprint:
    /// an item added to one module renumbers the items after it, but the modules that see
    /// none of those keep their checks (section 7 item 14).
    layouts: Vec<u64>,
    signatures: Vec<u64>,
}

impl ItemHashes {
    /// `reusing`: the hashes of the last check and the modules whose items were taken again,
    /// when the other modules' items are the last check's.
    pub(super) fn new(
        program: &Program,
        items: &Items,
        sources: &SourceMap,
        reusing: Option<(&ItemHashes, &[ModuleId])>,
    ) -> ItemHashes {
        match reusing {
            Some((last, edited)) if last.signatures.len() == program.modules.len() => {
                let mut wanted = vec![false; program.modules.len()];
                for module in edited {
                    wanted[module.0 as usize] = true;
                }
                let fresh = signature_hashes(program, items, sources, &wanted);
                let signatures = last
                    .signatures
                    .iter()
                    .zip(fresh)
                    .zip(&wanted)
                    .map(|((last, fresh), wanted)| if *wanted { fresh } else { *last })
                    .collect();
                ItemHashes {
                    modules: last.modules,
                    layouts: last.layouts.clone(),
                    signatures,
                }
            }
            _ => ItemHashes {
                modules: modules_hash(program),
                layouts: layout_hashes(program, items),
                signatures: signature_hashes(program, items, sources, &vec![true; program.modules.len()]),
            },
        }
    }
}

impl Fingerprints {
    /// `text_hashes`: the hash of each module's text (`BodyCache::text_hashes`).
    pub(super) fn new(program: &Program, hashes: &ItemHashes, text_hashes: &[u64]) -> Fingerprints {
        let signatures = &hashes.signatures;
        let of_module = (0..program.modules.len())
            .map(|index| {
                let mut hasher = DefaultHasher::new();
                hashes.modules.hash(&mut hasher);
                text_hashes[index].hash(&mut hasher);
                for module in import_closure(program, ModuleId(index as u32)) {
                    hashes.layouts[module].hash(&mut hasher);
                    signatures[module].hash(&mut hasher);
                }
                hasher.finish()
            })
            .collect();
        Fingerprints { of_module }
    }
}

/// Which modules the program has, with their files and what their imports name: module ids
/// index tables shared by all modules.
fn modules_hash(program: &Program) -> u64 {
    let mut hasher = DefaultHasher::new();
    for module in &program.modules {
        (&module.name, module.is_stdlib, module.file.0).hash(&mut hasher);
        for (_, target) in &module.imports {
            target.map(|target| target.0).hash(&mut hasher);
        }
    }
    hasher.finish()
}

/// Per module: which id each of its items has. Ids index tables shared by all modules, so a
/// cached check is only right while the items it can see kept their ids.
fn layout_hashes(program: &Program, items: &Items) -> Vec<u64> {
    let mut hashers: Vec<DefaultHasher> = program.modules.iter().map(|_| DefaultHasher::new()).collect();
    for (id, info) in items.structs.iter().enumerate() {
        ("struct", id, &info.name).hash(&mut hashers[info.module.0 as usize]);
    }
    for (id, info) in items.enums.iter().enumerate() {
        ("enum", id, &info.name).hash(&mut hashers[info.module.0 as usize]);
    }
    for (id, info) in items.functions.iter().enumerate() {
        ("fn", id, &info.name).hash(&mut hashers[info.module.0 as usize]);
    }
    for (id, info) in items.variables.iter().enumerate() {
        ("var", id, &info.name).hash(&mut hashers[info.module.0 as usize]);
    }
    hashers.into_iter().map(|hasher| hasher.finish()).collect()
}

/// Per module: a hash of what importers can see of its items (their resolved types, without
/// positions), and the initializers of its untyped variables, whose types are inferred. Only
/// the modules `wanted` are hashed (the others' entries are meaningless).
fn signature_hashes(program: &Program, items: &Items, sources: &SourceMap, wanted: &[bool]) -> Vec<u64> {
    let mut hashers: Vec<DefaultHasher> = program.modules.iter().map(|_| DefaultHasher::new()).collect();
    let wanted = |module: ModuleId| wanted[module.0 as usize];
    for info in items.structs.iter().filter(|info| wanted(info.module)) {
        let hasher = &mut hashers[info.module.0 as usize];
        (&info.name, info.is_pub).hash(hasher);
        for field in &info.fields {
            (&field.name, &field.ty, field.has_default).hash(hasher);
        }
    }
    for info in items.enums.iter().filter(|info| wanted(info.module)) {
        let hasher = &mut hashers[info.module.0 as usize];
        (&info.name, info.is_pub).hash(hasher);
        for variant in &info.variants {
            (&variant.name, variant.has_payload).hash(hasher);
            for field in &variant.fields {
                (&field.name, &field.ty, field.has_default).hash(hasher);
            }
        }
    }
    for info in items.functions.iter().filter(|info| wanted(info.module)) {
        (&info.name, info.is_pub, &info.params, &info.result).hash(&mut hashers[info.module.0 as usize]);
    }
    for info in items.variables.iter().filter(|info| wanted(info.module)) {
        let module = program.module(info.module);
        let hasher = &mut hashers[info.module.0 as usize];
        (&info.name, info.is_pub, info.mutable, &info.ty).hash(hasher);
        if info.ty.is_none()
            && let Some(ast::Item::Variable(declaration)) = module.ast.items.get(info.item_index)
        {
            let text = &sources.get(module.file).text;
            text.get(declaration.init.span.range()).hash(hasher);
        }
    }
    hashers.into_iter().map(|hasher| hasher.finish()).collect()
}

/// The module and every module it imports, directly or not, in a fixed order.
fn import_closure(program: &Program, module: ModuleId) -> Vec<usize> {
    let mut seen = vec![false; program.modules.len()];
    let mut stack = vec![module.0 as usize];
    seen[module.0 as usize] = true;
    let mut closure = Vec::new();
    while let Some(index) = stack.pop() {
        closure.push(index);
        for (_, target) in &program.modules[index].imports {
            if let Some(target) = target
                && !seen[target.0 as usize]
            {
                seen[target.0 as usize] = true;
                stack.push(target.0 as usize);
            }
        }
    }
    closure.sort_unstable();
    closure
}

/// The file, span and a hash of the text of a module variable's initializer.
fn initializer(program: &Program, items: &Items, sources: &SourceMap, id: VariableId) -> Option<(FileId, Span, u64)> {
    let info = items.variables.get(id.0 as usize)?;
    let module = program.module(info.module);
    let ast::Item::Variable(declaration) = module.ast.items.get(info.item_index)? else {
        return None;
    };
    let span = declaration.init.span;
    let text = sources.get(module.file).text.get(span.range())?;
    Some((module.file, span, hash_of(text)))
}

/// A cached check of a module that is still right, if there is one.
pub(super) struct Reused {
    pub(super) tables: Arc<ResultTables>,
    pub(super) files: Vec<FileId>,
    pub(super) variables: Vec<(VariableId, Option<Type>)>,
}

impl BodyCache {
    /// Starts a check: forgets which modules the last one checked, and the modules no longer
    /// in the program.
    pub(super) fn start(&mut self, program: &Program) {
        self.checked.clear();
        self.interfaces_computed.clear();
        self.last_fingerprints.clear();
        let present: HashSet<String> = (0..program.modules.len())
            .map(|index| module_key(program, ModuleId(index as u32)))
            .collect();
        self.modules.retain(|key, _| present.contains(key));
        self.text_hashes.retain(|key, _| present.contains(key));
        self.interfaces.retain(|key, _| present.contains(key));
    }

    /// The fingerprints of this check's modules, kept to find their interfaces.
    pub(super) fn set_fingerprints(&mut self, fingerprints: &Fingerprints) {
        self.last_fingerprints = fingerprints.of_module.clone();
    }

    /// A check that stopped before the bodies (syntax errors) checked none.
    pub(super) fn checked_none(&mut self) {
        self.checked.clear();
        self.interfaces_computed.clear();
        self.last_fingerprints.clear();
    }

    pub(super) fn reuse(
        &self,
        program: &Program,
        module: ModuleId,
        items: &Items,
        fingerprints: &Fingerprints,
        sources: &SourceMap,
    ) -> Option<Reused> {
        let cached = self.modules.get(&module_key(program, module))?;
        if cached.fingerprint != fingerprints.of_module[module.0 as usize] {
            return None;
        }
        for (id, span, hash) in &cached.foreign_initializers {
            // The layout is in the fingerprint: the same ids are the same variables.
            let (_, now_span, now_hash) = initializer(program, items, sources, *id)?;
            if now_span != *span || now_hash != *hash {
                return None;
            }
        }
        Some(Reused {
            tables: cached.tables.clone(),
            files: cached.files.clone(),
            variables: cached.variables.clone(),
        })
    }

    /// Records the check of `module` just made: kept for the next check when it reported no
    /// diagnostic.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn record(
        &mut self,
        program: &Program,
        module: ModuleId,
        items: &Items,
        fingerprints: &Fingerprints,
        sources: &SourceMap,
        tables: Arc<ResultTables>,
        variables: Vec<(VariableId, Option<Type>)>,
        reported: bool,
    ) {
        let key = module_key(program, module);
        self.checked
            .push(sources.get(program.module(module).file).display_name.clone());
        if reported {
            self.modules.remove(&key);
            return;
        }
        let own_file = program.module(module).file;
        let mut foreign_initializers = Vec::new();
        let mut covered = HashSet::from([own_file]);
        for (id, _) in &variables {
            let Some((file, span, hash)) = initializer(program, items, sources, *id) else {
                continue;
            };
            if file != own_file {
                covered.insert(file);
                foreign_initializers.push((*id, span, hash));
            }
        }
        let files = tables.files();
        if !files.is_subset(&covered) {
            // Nodes of another file that no typed initializer explains: not known to be
            // reusable, so checked again next time.
            self.modules.remove(&key);
            return;
        }
        self.modules.insert(
            key,
            CachedModule {
                fingerprint: fingerprints.of_module[module.0 as usize],
                tables,
                files: files.into_iter().collect(),
                variables,
                foreign_initializers,
            },
        );
    }
}
