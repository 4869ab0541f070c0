//! The host side of `lang build --hmr`: loading the shared libraries of a build (one per
//! source module) with libloading, watching the modules folder for new builds, and handing
//! each verified build to the session, which swaps it in like a JIT reload.
//!
//! A build is a folder holding the libraries and a manifest, written last by rename:
//!
//! ```text
//! lang-hmr-manifest 1
//! abi     HASH                   (see lang_compiler::codegen::library::abi_hash)
//! main    MODULE
//! order   MODULE  MODULE ...     (initialization order)
//! module  NAME  FILE  HASH       (one per module; HASH: content_hash of FILE's bytes)
//! ```
//!
//! Fields are separated by tabs. A build is applied only when every library's bytes hash to
//! what the manifest says; the bytes that were hashed are copied into a fresh private
//! temporary folder and loaded from there, so a library rewritten meanwhile, truncated or
//! corrupted is never given to the dynamic loader, and nobody else can swap the file under
//! it. The runtime's entry points reach a library through its import table, which is filled
//! here: a library has no undefined symbols to resolve against the host.

use std::collections::{HashMap, HashSet};
use std::ffi::{CStr, CString};
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use crate::code::{CodeModule, CodeOwner, ModuleUpdate, Ready};
use crate::registry::Registry;
use crate::session::Producer;

/// The name of a build's manifest in its folder.
pub const MANIFEST: &str = "manifest";
const MANIFEST_HEADER: &str = "lang-hmr-manifest 1";
/// The symbol of a library's module table, and the table's first word.
const MODULE_SYMBOL: &[u8] = b"lang_module\0";
const LIBRARY_MAGIC: u64 = u64::from_le_bytes(*b"LANGLIB1");
/// The library format this host reads: `lang_compiler::codegen::library::LIBRARY_FORMAT`.
const LIBRARY_FORMAT: u64 = 1;

/// FNV-1a over `bytes`: how manifests name a library's content (stable across Rust
/// versions, unlike the standard library's hasher). It detects truncated, half-written and
/// corrupted files; it is not meant to resist deliberate forgery (the folder is the user's).
pub fn content_hash(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &byte in bytes {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// The ABI hash this host accepts: the same computation as the compiler's `abi_hash`, over
/// the same table of runtime functions.
pub fn abi_hash() -> u64 {
    let table = include_str!("../../../compiler/src/codegen/runtime_abi.rs");
    content_hash(table.as_bytes()) ^ LIBRARY_FORMAT
}

/// A parsed manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manifest {
    pub abi: u64,
    pub main: String,
    pub order: Vec<String>,
    /// Module name, library file name, content hash.
    pub modules: Vec<(String, String, u64)>,
}

impl Manifest {
    /// The manifest's text.
    pub fn render(&self) -> String {
        let mut text = format!("{MANIFEST_HEADER}\nabi\t{:016x}\nmain\t{}\norder", self.abi, self.main);
        for module in &self.order {
            text.push('\t');
            text.push_str(module);
        }
        text.push('\n');
        for (name, file, hash) in &self.modules {
            text.push_str(&format!("module\t{name}\t{file}\t{hash:016x}\n"));
        }
        text
    }

    pub fn parse(text: &str) -> Result<Manifest, String> {
        let mut lines = text.lines();
        if lines.next() != Some(MANIFEST_HEADER) {
            return Err("not a lang build manifest".into());
        }
        let mut manifest = Manifest {
            abi: 0,
            main: String::new(),
            order: Vec::new(),
            modules: Vec::new(),
        };
        let hex = |text: &str| u64::from_str_radix(text, 16).map_err(|_| format!("bad hash `{text}`"));
        for line in lines {
            let fields: Vec<&str> = line.split('\t').collect();
            match fields.as_slice() {
                ["abi", hash] => manifest.abi = hex(hash)?,
                ["main", name] => manifest.main = name.to_string(),
                ["order", names @ ..] => manifest.order = names.iter().map(|name| name.to_string()).collect(),
                ["module", name, file, hash] => {
                    if file.contains('/') || file.starts_with('.') {
                        return Err(format!("bad library name `{file}`"));
                    }
                    manifest.modules.push((name.to_string(), file.to_string(), hex(hash)?));
                }
                [""] => {}
                _ => return Err(format!("unexpected line `{line}`")),
            }
        }
        if manifest.main.is_empty() || manifest.modules.is_empty() {
            return Err("the manifest names no modules".into());
        }
        Ok(manifest)
    }
}

/// What is known about the running version of one module: its library's hash and metadata.
struct RunningModule {
    hash: u64,
    /// Function name -> (signature, token hash).
    functions: HashMap<String, (String, u64)>,
    version: u32,
}

/// A library loaded from its private copy; unloaded when freed.
struct LoadedLibrary {
    library: libloading::os::unix::Library,
}

impl CodeOwner for LoadedLibrary {
    unsafe fn free(self: Box<Self>) {
        // Unloading runs no code of ours: a library has no constructors or destructors.
        let _ = self.library.close();
    }
}

/// Runs the program whose build lives in `folder`: the host's whole life. Returns the exit
/// code.
pub fn run_host(folder: PathBuf, args: Vec<String>) -> i32 {
    crate::session::run(args, move |producer| loader_thread(folder, producer))
}

fn loader_thread(folder: PathBuf, producer: Producer) {
    // Watch before the first load, so a build finished meanwhile is not missed.
    let (sender, events) = std::sync::mpsc::channel::<bool>();
    let watcher = match crate::watcher::Watcher::for_folder(&folder, MANIFEST, sender) {
        Ok(watcher) => Some(watcher),
        // Without the folder there is no build either: the first load says so.
        Err(_) if !folder.is_dir() => None,
        Err(error) => {
            eprintln!(
                "[hmr] cannot watch {}: {error}; new builds will not be loaded",
                folder.display()
            );
            None
        }
    };
    let mut running: HashMap<String, RunningModule> = HashMap::new();
    let first = read_build(&folder).and_then(|(manifest, libraries)| {
        load_build(&producer, &folder, &manifest, libraries, &mut running, Instant::now())
            .map(|ready| (manifest, ready))
    });
    let mut running_manifest = match first {
        Ok((manifest, ready)) => {
            producer.start(Ok(ready));
            manifest
        }
        Err(message) => {
            producer.start(Err(format!(
                "error: cannot load the program from {}: {message}\n",
                folder.display()
            )));
            return;
        }
    };
    let Some(_watcher) = watcher else { return };
    let mut previous_running: Option<HashMap<String, RunningModule>> = None;
    let mut last_rejected: Option<Manifest> = None;
    while events.recv().is_ok() {
        let started = Instant::now();
        // A build writes its manifest last; events that came with it belong to it.
        std::thread::sleep(Duration::from_millis(2));
        while events.try_recv().is_ok() {}
        let (manifest, libraries) = match read_build(&folder) {
            Ok(build) => build,
            Err(message) => {
                eprintln!("[hmr] build not loaded: {message}; still running the previous version");
                continue;
            }
        };
        if manifest == running_manifest || last_rejected.as_ref() == Some(&manifest) {
            continue;
        }
        producer.wait_until_taken();
        if producer.take_apply_failed()
            && let Some(previous) = previous_running.take()
        {
            running = previous;
        }
        let before = snapshot_running(&running);
        match load_build(&producer, &folder, &manifest, libraries, &mut running, started) {
            Ok(ready) => {
                previous_running = Some(before);
                last_rejected = None;
                running_manifest = manifest;
                producer.publish(ready);
            }
            Err(message) => {
                running = before;
                eprintln!("[hmr] build rejected: {message}; still running the previous version");
                last_rejected = Some(manifest);
            }
        }
    }
}

fn snapshot_running(running: &HashMap<String, RunningModule>) -> HashMap<String, RunningModule> {
    running
        .iter()
        .map(|(name, module)| {
            (
                name.clone(),
                RunningModule {
                    hash: module.hash,
                    functions: module.functions.clone(),
                    version: module.version,
                },
            )
        })
        .collect()
}

/// Reads the manifest and every library it names, checking each library's hash.
fn read_build(folder: &Path) -> Result<(Manifest, Vec<Vec<u8>>), String> {
    let manifest_path = folder.join(MANIFEST);
    let text = std::fs::read(&manifest_path).map_err(|error| match error.kind() {
        std::io::ErrorKind::NotFound => format!("{} does not exist (was the program built?)", manifest_path.display()),
        _ => format!("cannot read {}: {error}", manifest_path.display()),
    })?;
    let text = String::from_utf8(text).map_err(|_| format!("{} is not a manifest", manifest_path.display()))?;
    let manifest = Manifest::parse(&text).map_err(|error| format!("{}: {error}", manifest_path.display()))?;
    if manifest.abi != abi_hash() {
        return Err(
            "the build was made by another version of lang than this program; run the new build instead".into(),
        );
    }
    let mut libraries = Vec::new();
    for (_, file, hash) in &manifest.modules {
        let path = folder.join(file);
        let bytes = std::fs::read(&path).map_err(|error| format!("cannot read {}: {error}", path.display()))?;
        if content_hash(&bytes) != *hash {
            return Err(format!(
                "{} does not match the build's manifest (written half-way, or corrupted)",
                path.display()
            ));
        }
        libraries.push(bytes);
    }
    Ok((manifest, libraries))
}

/// Loads the libraries of `manifest` whose content changed and makes them a version to swap
/// in. On error, every library loaded for it is unloaded again and `running` is unchanged
/// except for what the caller restores.
fn load_build(
    producer: &Producer,
    folder: &Path,
    manifest: &Manifest,
    libraries: Vec<Vec<u8>>,
    running: &mut HashMap<String, RunningModule>,
    started: Instant,
) -> Result<Ready, String> {
    let first = running.is_empty();
    let registry = producer.registry();
    let mut modules: Vec<ModuleUpdate> = Vec::new();
    let mut main_changed = false;
    let unload = |modules: Vec<ModuleUpdate>| {
        for module in modules {
            // SAFETY: nothing was patched to point into these libraries yet.
            unsafe { module.hot.free() };
        }
    };
    let mut new_running = Vec::new();
    for ((name, file, hash), bytes) in manifest.modules.iter().zip(libraries) {
        if running.get(name).is_some_and(|module| module.hash == *hash) {
            continue;
        }
        let loaded = match load_library(registry, &bytes, name) {
            Ok(loaded) => loaded,
            Err(message) => {
                unload(modules);
                return Err(format!("{}: {message}", folder.join(file).display()));
            }
        };
        let (update, functions) = loaded;
        let old = running.get(name);
        let mut changed: Vec<String> = functions
            .iter()
            .filter(|(function, (_, token))| {
                old.is_none_or(|old| old.functions.get(*function).map(|entry| entry.1) != Some(*token))
            })
            .map(|(function, _)| function.clone())
            .collect();
        changed.sort();
        let mut removed: Vec<String> = old
            .map(|old| {
                old.functions
                    .keys()
                    .filter(|function| !functions.contains_key(*function))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        removed.sort();
        if !first && *name == manifest.main && changed.iter().any(|function| function == "main") {
            main_changed = true;
        }
        let version = old.map_or(1, |old| old.version + 1);
        new_running.push((
            name.clone(),
            RunningModule {
                hash: *hash,
                functions,
                version,
            },
        ));
        modules.push(ModuleUpdate {
            changed_functions: if first { Vec::new() } else { changed },
            removed_functions: removed,
            library: Some(file.clone()),
            ..update
        });
    }
    if let Err(message) = check_migrations(registry, &modules) {
        unload(modules);
        return Err(message);
    }
    for (name, module) in new_running {
        running.insert(name, module);
    }
    Ok(Ready {
        modules,
        order: manifest.order.clone(),
        main_module: manifest.main.clone(),
        main_changed,
        started,
        migration_scratch: Vec::new(),
    })
}

/// A struct whose fields changed is migrated at the swap: every field that is new, or whose
/// type changed, needs a default to give the existing values (LANGUAGE.md section 7 item 4).
fn check_migrations(registry: &Registry, modules: &[ModuleUpdate]) -> Result<(), String> {
    use lang_runtime_core::object::TypeDesc;
    for module in modules {
        for (name, hash, fields) in &module.hot.structs {
            let old = registry.desc_cell(&module.name, name).load(Ordering::SeqCst) as *const TypeDesc;
            // SAFETY: descriptors live forever.
            if old.is_null() || unsafe { (*old).layout_hash } == *hash {
                continue;
            }
            // SAFETY: as above.
            let old_fields: HashSet<(String, String)> = unsafe { &(*old).fields }
                .iter()
                .map(|field| (field.name.clone(), field.ty.clone()))
                .collect();
            for (field, ty) in fields {
                let has_default = module
                    .hot
                    .defaults
                    .iter()
                    .any(|(strukt, default_field, _)| strukt == name && default_field == field);
                if !old_fields.contains(&(field.clone(), ty.clone())) && !has_default {
                    return Err(format!(
                        "field `{field}` of struct `{name}` ({}) is new or changed its type, and has no default: the \
                         existing `{name}` values need one to be migrated; give it a default (`{field}: {ty} = ...`) \
                         and build again",
                        module.display_name
                    ));
                }
            }
        }
    }
    Ok(())
}

/// Loads one library from `bytes`: copies them into a fresh private folder, opens the copy,
/// fills its import table and reads its metadata. Returns the module and its functions'
/// signatures and token hashes.
#[allow(clippy::type_complexity)]
fn load_library(
    registry: &Registry,
    bytes: &[u8],
    expected_name: &str,
) -> Result<(ModuleUpdate, HashMap<String, (String, u64)>), String> {
    let library = open_private_copy(bytes, expected_name)?;
    // SAFETY: every library exports its module table under this name, as eight words.
    let table: *const u64 = unsafe {
        match library.get::<*const u64>(MODULE_SYMBOL) {
            Ok(symbol) => *symbol,
            Err(_) => return Err("not a lang module library (no module table)".into()),
        }
    };
    // SAFETY: the module table is eight words of the library's data.
    let word = |index: usize| unsafe { *table.add(index) };
    if word(0) != LIBRARY_MAGIC {
        return Err("not a lang module library (bad module table)".into());
    }
    if word(1) != abi_hash() {
        return Err("built by another version of lang".into());
    }
    // SAFETY: words 2 and 3 are the metadata text's address and length; 4 and 5 the import
    // table's; 6 and 7 the function table's, all inside the library.
    let (metadata, imports, functions) = unsafe {
        let metadata = std::slice::from_raw_parts(word(2) as *const u8, word(3) as usize);
        let imports = std::slice::from_raw_parts_mut(word(4) as *mut u64, word(5) as usize);
        let functions = std::slice::from_raw_parts(word(6) as *const usize, word(7) as usize);
        (metadata, imports, functions)
    };
    let metadata = std::str::from_utf8(metadata).map_err(|_| "bad metadata".to_string())?;
    let symbols: HashMap<&str, usize> = crate::symbols()
        .into_iter()
        .map(|(name, address)| (name, address as usize))
        .collect();
    let function = |text: &str| -> Result<usize, String> {
        let index: usize = text.parse().map_err(|_| format!("bad function index `{text}`"))?;
        functions
            .get(index)
            .copied()
            .ok_or_else(|| format!("function index {index} out of range"))
    };
    let number = |text: &str| -> Result<u64, String> { text.parse().map_err(|_| format!("bad number `{text}`")) };
    let mut module = CodeModule {
        setup: 0,
        functions: Vec::new(),
        variables: Vec::new(),
        slot_patches: Vec::new(),
        structs: Vec::new(),
        defaults: Vec::new(),
        code_range: (0, 0),
        owner: Box::new(LoadedLibrary { library }),
    };
    let mut name = String::new();
    let mut display_name = String::new();
    let mut hashes = HashMap::new();
    let mut patches = Vec::new();
    let mut filled = vec![false; imports.len()];
    for line in metadata.lines() {
        let fields: Vec<&str> = line.split('\t').collect();
        match fields.as_slice() {
            ["module", module_name, display] => {
                name = module_name.to_string();
                display_name = display.to_string();
            }
            ["setup", index] => module.setup = function(index)?,
            ["function", function_name, signature, index, hash] => {
                module
                    .functions
                    .push((function_name.to_string(), signature.to_string(), function(index)?));
                hashes.insert(function_name.to_string(), (signature.to_string(), number(hash)?));
            }
            ["variable", variable, ty, is_let, hash, index] => module.variables.push((
                variable.to_string(),
                ty.to_string(),
                *is_let == "1",
                number(hash)?,
                function(index)?,
            )),
            ["struct", struct_name, hash, rest @ ..] => {
                let fields = rest
                    .chunks(2)
                    .map(|pair| (pair[0].to_string(), pair.get(1).unwrap_or(&"").to_string()))
                    .collect();
                module.structs.push((struct_name.to_string(), number(hash)?, fields));
            }
            ["default", strukt, field, index] => {
                module
                    .defaults
                    .push((strukt.to_string(), field.to_string(), function(index)?))
            }
            ["patch", import, index] => patches.push((number(import)? as usize, function(index)?)),
            ["import", index, kind, rest @ ..] => {
                let index = number(index)? as usize;
                let address = match (*kind, rest) {
                    ("slot", [module, name, signature]) => registry.slot(module, name, signature) as *const _ as u64,
                    ("variable", [module, name, ty]) => registry.cell(module, name, ty) as *const _ as u64,
                    ("desc", [module, name]) => registry.desc_cell(module, name) as *const _ as u64,
                    ("field", [module, strukt, field, ty, initial]) => {
                        let initial: i64 = initial.parse().map_err(|_| format!("bad offset `{initial}`"))?;
                        registry.field(module, strukt, field, ty, initial) as *const _ as u64
                    }
                    ("runtime", [name]) => *symbols
                        .get(name)
                        .ok_or_else(|| format!("needs runtime function `{name}`, which this program lacks"))?
                        as u64,
                    _ => return Err(format!("bad import `{line}`")),
                };
                let entry = imports
                    .get_mut(index)
                    .ok_or_else(|| format!("import {index} out of range"))?;
                *entry = address;
                filled[index] = true;
            }
            [""] => {}
            _ => return Err(format!("bad metadata line `{line}`")),
        }
    }
    if name != expected_name {
        return Err(format!("holds module `{name}`, not `{expected_name}`"));
    }
    if filled.iter().any(|filled| !filled) || module.setup == 0 {
        return Err("incomplete metadata".into());
    }
    for (import, function) in patches {
        let slot = *imports
            .get(import)
            .ok_or_else(|| format!("import {import} out of range"))?;
        module.slot_patches.push((slot, function));
    }
    module.code_range = code_range(module.setup).ok_or("cannot find the library's code")?;
    Ok((
        ModuleUpdate {
            name,
            display_name,
            hot: module,
            changed_functions: Vec::new(),
            removed_functions: Vec::new(),
            all_functions: hashes
                .iter()
                .map(|(function, (signature, _))| (function.clone(), signature.clone()))
                .collect(),
            library: None,
        },
        hashes,
    ))
}

/// Writes `bytes` into a new folder only this user can open (mkdtemp makes it 0700, with an
/// unpredictable name), opens the copy, and removes it again: the mapping stays, and no other
/// process or user can change what gets loaded.
fn open_private_copy(bytes: &[u8], name: &str) -> Result<libloading::os::unix::Library, String> {
    check_elf(bytes)?;
    let temp = std::env::temp_dir().join("lang-hmr-XXXXXX");
    let template = CString::new(temp.as_os_str().as_encoded_bytes()).map_err(|_| "bad temporary folder name")?;
    let mut template = template.into_bytes_with_nul();
    // SAFETY: a NUL-terminated template ending in XXXXXX, which mkdtemp fills in.
    let made = unsafe { libc::mkdtemp(template.as_mut_ptr().cast()) };
    if made.is_null() {
        return Err(format!(
            "cannot create a private temporary folder in {}: {}",
            std::env::temp_dir().display(),
            std::io::Error::last_os_error()
        ));
    }
    // SAFETY: mkdtemp returned the template, still NUL-terminated.
    let folder = PathBuf::from(unsafe { CStr::from_ptr(made) }.to_string_lossy().into_owned());
    let path = folder.join(format!("{name}.so"));
    let result = (|| {
        use std::io::Write;
        use std::os::unix::fs::OpenOptionsExt;
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o700)
            .open(&path)
            .map_err(|error| format!("cannot copy the library: {error}"))?;
        file.write_all(bytes)
            .map_err(|error| format!("cannot copy the library: {error}"))?;
        drop(file);
        // SAFETY: a lang module library has no initialization or termination routines; its
        // code runs only when the session calls it.
        unsafe {
            libloading::os::unix::Library::open(
                Some(&path),
                libloading::os::unix::RTLD_NOW | libloading::os::unix::RTLD_LOCAL,
            )
        }
        .map_err(|error| format!("the dynamic loader refused it: {error}"))
    })();
    let _ = std::fs::remove_file(&path);
    let _ = std::fs::remove_dir(&folder);
    result
}

/// Checks that `bytes` are a 64-bit little-endian ELF shared object whose program headers
/// and segments lie inside the file. The dynamic loader maps segments as the headers say; a
/// truncated file would have it touch pages past the end of the file (SIGBUS), so such a
/// library must never reach it.
fn check_elf(bytes: &[u8]) -> Result<(), String> {
    let bad = |what: &str| Err(format!("not a valid shared library ({what})"));
    let u16_at = |offset: usize| -> Option<u64> {
        Some(u64::from(u16::from_le_bytes(
            bytes.get(offset..offset + 2)?.try_into().ok()?,
        )))
    };
    let u32_at = |offset: usize| -> Option<u64> {
        Some(u64::from(u32::from_le_bytes(
            bytes.get(offset..offset + 4)?.try_into().ok()?,
        )))
    };
    let u64_at =
        |offset: usize| -> Option<u64> { Some(u64::from_le_bytes(bytes.get(offset..offset + 8)?.try_into().ok()?)) };
    if bytes.len() < 64 || &bytes[..4] != b"\x7fELF" || bytes[4] != 2 || bytes[5] != 1 {
        return bad("no 64-bit little-endian ELF header");
    }
    if u16_at(16) != Some(3) {
        return bad("not a shared object");
    }
    let (Some(table), Some(entry_size), Some(count)) = (u64_at(32), u16_at(54), u16_at(56)) else {
        return bad("truncated header");
    };
    let size = bytes.len() as u64;
    let table_end = entry_size
        .checked_mul(count)
        .and_then(|length| length.checked_add(table));
    if entry_size < 56 || count == 0 || table_end.is_none_or(|end| end > size) {
        return bad("program headers outside the file");
    }
    for index in 0..count {
        let header = (table + index * entry_size) as usize;
        let (Some(_kind), Some(offset), Some(file_size)) = (u32_at(header), u64_at(header + 8), u64_at(header + 32))
        else {
            return bad("truncated program header");
        };
        if offset.checked_add(file_size).is_none_or(|end| end > size) {
            return bad("a segment lies past the end of the file: truncated");
        }
    }
    Ok(())
}

/// The range of executable addresses of the loaded object containing `address`.
fn code_range(address: usize) -> Option<(usize, usize)> {
    struct Search {
        address: usize,
        found: Option<(usize, usize)>,
    }
    unsafe extern "C" fn visit(
        info: *mut libc::dl_phdr_info,
        _size: libc::size_t,
        data: *mut libc::c_void,
    ) -> libc::c_int {
        // SAFETY: the loader passes a valid info record, and `data` is our `Search`.
        let (info, search) = unsafe { (&*info, &mut *(data as *mut Search)) };
        let base = info.dlpi_addr as usize;
        let mut range: Option<(usize, usize)> = None;
        let mut contains = false;
        for index in 0..info.dlpi_phnum as usize {
            // SAFETY: `dlpi_phdr` has `dlpi_phnum` entries.
            let header = unsafe { &*info.dlpi_phdr.add(index) };
            if header.p_type != libc::PT_LOAD || header.p_flags & libc::PF_X == 0 {
                continue;
            }
            let start = base + header.p_vaddr as usize;
            let end = start + header.p_memsz as usize;
            if (start..end).contains(&search.address) {
                contains = true;
            }
            range = Some(match range {
                Some((low, high)) => (low.min(start), high.max(end)),
                None => (start, end),
            });
        }
        if contains {
            search.found = range;
            return 1;
        }
        0
    }
    let mut search = Search { address, found: None };
    // SAFETY: `visit` only reads the records it is given, for the duration of the call.
    unsafe { libc::dl_iterate_phdr(Some(visit), &mut search as *mut Search as *mut libc::c_void) };
    search.found
}

/// The folder of the build that belongs to the executable at `executable`: `OUT.modules`
/// next to `OUT`.
pub fn modules_folder(executable: &Path) -> PathBuf {
    let mut name = executable.as_os_str().to_owned();
    name.push(".modules");
    PathBuf::from(name)
}
