//! Linking a loaded module library into the running program: checks its module table, reads
//! its metadata (`lang_abi::metadata`), fills its import table with the addresses of the
//! registry's slots and cells and of the runtime's functions, and describes its code as a
//! [`CodeModule`] for the session.

use std::collections::HashMap;

use lang_abi::metadata::{Import, LIBRARY_MAGIC, LibraryMetadata, MODULE_SYMBOL, abi_hash};

use super::open::{code_range, open_private_copy};
use crate::code::{CodeModule, CodeOwner, ModuleUpdate};
use crate::registry::Registry;

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

/// Loads one library from `bytes`: copies them into a fresh private folder, opens the copy,
/// fills its import table and reads its metadata. Returns the module and its functions'
/// signatures and token hashes.
#[allow(clippy::type_complexity)]
pub(super) fn load_library(
    registry: &Registry,
    bytes: &[u8],
    expected_name: &str,
) -> Result<(ModuleUpdate, HashMap<String, (String, u64)>), String> {
    let library = open_private_copy(bytes, expected_name)?;
    let symbol = format!("{MODULE_SYMBOL}\0");
    // SAFETY: every library exports its module table under this name, as eight words.
    let table: *const u64 = unsafe {
        match library.get::<*const u64>(symbol.as_bytes()) {
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
    let metadata = LibraryMetadata::parse(metadata)?;
    let symbols: HashMap<&str, usize> = crate::symbols()
        .into_iter()
        .map(|(name, address)| (name, address as usize))
        .collect();
    let function = |index: usize| -> Result<usize, String> {
        functions
            .get(index)
            .copied()
            .ok_or_else(|| format!("function index {index} out of range"))
    };
    let mut filled = vec![false; imports.len()];
    for (index, import) in &metadata.imports {
        let address = match import {
            Import::Slot {
                module,
                name,
                signature,
            } => registry.slot(module, name, signature) as *const _ as u64,
            Import::Variable { module, name, ty } => registry.cell(module, name, ty) as *const _ as u64,
            Import::StructDesc { module, name } => registry.desc_cell(module, name) as *const _ as u64,
            Import::Field {
                module,
                strukt,
                field,
                ty,
                initial,
            } => registry.field(module, strukt, field, ty, *initial) as *const _ as u64,
            Import::Runtime { name } => *symbols
                .get(name.as_str())
                .ok_or_else(|| format!("needs runtime function `{name}`, which this program lacks"))?
                as u64,
        };
        let entry = imports
            .get_mut(*index)
            .ok_or_else(|| format!("import {index} out of range"))?;
        *entry = address;
        filled[*index] = true;
    }
    let mut module = CodeModule {
        setup: match metadata.setup {
            Some(index) => function(index)?,
            None => 0,
        },
        functions: Vec::new(),
        variables: Vec::new(),
        slot_patches: Vec::new(),
        structs: Vec::new(),
        defaults: Vec::new(),
        enums: Vec::new(),
        code_range: (0, 0),
        owner: Box::new(LoadedLibrary { library }),
    };
    let mut hashes = HashMap::new();
    for entry in metadata.functions {
        let mut record = entry.function;
        record.address = function(record.address)?;
        hashes.insert(record.name.clone(), (record.signature.clone(), entry.token_hash));
        module.functions.push(record);
    }
    for mut variable in metadata.variables {
        variable.initializer = function(variable.initializer)?;
        module.variables.push(variable);
    }
    module.structs = metadata.structs;
    module.enums = metadata.enums;
    for mut default in metadata.defaults {
        default.function = function(default.function)?;
        module.defaults.push(default);
    }
    let name = metadata.module;
    if name != expected_name {
        return Err(format!("holds module `{name}`, not `{expected_name}`"));
    }
    if filled.iter().any(|filled| !filled) || module.setup == 0 {
        return Err("incomplete metadata".into());
    }
    for patch in metadata.patches {
        let slot = *imports
            .get(patch.import)
            .ok_or_else(|| format!("import {} out of range", patch.import))?;
        module.slot_patches.push((slot, function(patch.function)?));
    }
    module.code_range = code_range(module.setup).ok_or("cannot find the library's code")?;
    Ok((
        ModuleUpdate {
            name,
            display_name: metadata.display_name,
            hot: module,
            changed_functions: Vec::new(),
            removed_functions: Vec::new(),
            all_functions: hashes
                .iter()
                .map(|(function, (signature, _))| (function.clone(), signature.clone()))
                .collect(),
            source_changed: false,
            adds_code_only: false,
            library: None,
        },
        hashes,
    ))
}
