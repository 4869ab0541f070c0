//! The shared-library driver: translates one module of a program for hot reload into a
//! relocatable object, for `lang build --hmr`, which links it into a shared library with
//! `cc -shared`. The same translator as the JIT, in the same hot mode; only the linker
//! differs: the library cannot know the addresses of the host's slots, cells and runtime
//! functions, so the code reads them from an import table that the loader fills.
//!
//! A library exports one symbol, [`MODULE_SYMBOL`], a table of eight words:
//!
//! | word | content                                                              |
//! |------|----------------------------------------------------------------------|
//! | 0    | [`LIBRARY_MAGIC`]                                                    |
//! | 1    | [`abi_hash`]: the runtime functions and this format, as built        |
//! | 2, 3 | the metadata text (address, length in bytes)                         |
//! | 4, 5 | the import table (address, number of entries), filled by the loader  |
//! | 6, 7 | the function table (address, number of entries)                     |
//!
//! The metadata is text, one record per line, fields separated by tabs; function indices
//! point into the function table:
//!
//! ```text
//! module    NAME  DISPLAY-NAME
//! setup     INDEX
//! function  NAME  SIGNATURE  INDEX  TOKEN-HASH
//! variable  NAME  TYPE  LET(0|1)  TOKEN-HASH  INDEX
//! struct    NAME  LAYOUT-HASH  (FIELD  TYPE)*
//! default   STRUCT  FIELD  INDEX
//! patch     IMPORT  INDEX
//! import    INDEX  slot      MODULE  NAME  SIGNATURE
//! import    INDEX  variable  MODULE  NAME  TYPE
//! import    INDEX  desc      MODULE  NAME
//! import    INDEX  field     MODULE  STRUCT  FIELD  TYPE  INITIAL-OFFSET
//! import    INDEX  runtime   NAME
//! ```
//!
//! `runtime/hot/src/library.rs` reads it. Names, types and signatures never contain a tab or
//! a line break.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt::Write as _;

use super::object::OptLevel;
use super::{CodegenError, CodegenOptions, HotLinker, HotTarget, token_hash, translate_hot_module};
use crate::sema::{CheckedProgram, ModuleId};
use crate::syntax::ast;
use cranelift_module::{DataDescription, FuncId, Linkage, Module};

/// The symbol of a library's module table.
pub const MODULE_SYMBOL: &str = "lang_module";
/// The (local) symbol of a library's import table.
pub const IMPORTS_SYMBOL: &str = "lang.imports";
/// The first word of a module table.
pub const LIBRARY_MAGIC: u64 = u64::from_le_bytes(*b"LANGLIB1");

/// The version of this format; the loader (`runtime/hot/src/library.rs`) has the same.
pub const LIBRARY_FORMAT: u64 = 1;

/// A hash of everything a library and its loader must agree on: this format and the table
/// of runtime functions (its source text, which the loader hashes too). A library built by
/// another version of `lang` has another hash and is refused.
pub fn abi_hash() -> u64 {
    // FNV-1a: stable across Rust versions, unlike the standard library's hasher.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &byte in include_str!("runtime_abi.rs").as_bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash ^ LIBRARY_FORMAT
}

/// One entry of a library's import table: what the loader writes there.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Import {
    Slot(String, String, String),
    Variable(String, String, String),
    StructDesc(String, String),
    Field(String, String, String, String, i64),
    Runtime(String),
}

/// The linker of library builds: every slot, cell and runtime function becomes an entry of
/// the import table.
#[derive(Default)]
struct ImportLinker {
    imports: RefCell<Vec<Import>>,
    indices: RefCell<HashMap<Import, u64>>,
}

impl ImportLinker {
    fn index(&self, import: Import) -> u64 {
        if let Some(&index) = self.indices.borrow().get(&import) {
            return index;
        }
        let mut imports = self.imports.borrow_mut();
        let index = imports.len() as u64;
        imports.push(import.clone());
        self.indices.borrow_mut().insert(import, index);
        index
    }
}

impl HotLinker for ImportLinker {
    fn function_slot(&self, module: &str, name: &str, signature: &str) -> u64 {
        self.index(Import::Slot(module.into(), name.into(), signature.into()))
    }

    fn variable_cell(&self, module: &str, name: &str, ty: &str) -> u64 {
        self.index(Import::Variable(module.into(), name.into(), ty.into()))
    }

    fn struct_desc_cell(&self, module: &str, name: &str, _layout: &str) -> u64 {
        self.index(Import::StructDesc(module.into(), name.into()))
    }

    fn field_cell(&self, module: &str, strukt: &str, field: &str, ty: &str, initial: i64) -> u64 {
        self.index(Import::Field(
            module.into(),
            strukt.into(),
            field.into(),
            ty.into(),
            initial,
        ))
    }

    fn uses_import_table(&self) -> bool {
        true
    }

    fn runtime_function(&self, name: &str) -> u64 {
        self.index(Import::Runtime(name.into()))
    }
}

/// Compiles module `module` of `checked` for hot reload into the bytes of a relocatable,
/// position-independent object file exporting [`MODULE_SYMBOL`].
pub fn compile_library(
    checked: &CheckedProgram,
    module: ModuleId,
    opt_level: OptLevel,
) -> Result<Vec<u8>, CodegenError> {
    let mut object = super::object::new_object_module("lang_module", opt_level)?;
    let linker = ImportLinker::default();
    let translated = translate_hot_module(
        checked,
        &mut object,
        CodegenOptions::default(),
        HotTarget {
            module,
            linker: &linker,
            functions: None,
        },
    )?;

    // The function table, and the metadata that says what each entry is.
    let module_data = checked.program.module(module);
    let file = checked.sources.get(module_data.file);
    let mut functions: Vec<FuncId> = Vec::new();
    let mut index_of = |id: FuncId| {
        functions.push(id);
        functions.len() - 1
    };
    let mut metadata = String::new();
    let _ = writeln!(metadata, "module\t{}\t{}", module_data.name, file.display_name);
    let _ = writeln!(metadata, "setup\t{}", index_of(translated.entry));
    let hashes = function_token_hashes(checked, module);
    for (name, signature, id) in &translated.hot_functions {
        let hash = hashes.get(name).copied().unwrap_or(0);
        let _ = writeln!(metadata, "function\t{name}\t{signature}\t{}\t{hash}", index_of(*id));
    }
    for (name, ty, is_let, hash, id) in &translated.hot_variables {
        let _ = writeln!(
            metadata,
            "variable\t{name}\t{ty}\t{}\t{hash}\t{}",
            u8::from(*is_let),
            index_of(*id)
        );
    }
    for (name, hash, fields) in &translated.hot_structs {
        let _ = write!(metadata, "struct\t{name}\t{hash}");
        for (field, ty) in fields {
            let _ = write!(metadata, "\t{field}\t{ty}");
        }
        metadata.push('\n');
    }
    for (strukt, field, id) in &translated.hot_defaults {
        let _ = writeln!(metadata, "default\t{strukt}\t{field}\t{}", index_of(*id));
    }
    for (import, id) in &translated.slot_patches {
        let _ = writeln!(metadata, "patch\t{import}\t{}", index_of(*id));
    }
    let imports = linker.imports.into_inner();
    for (index, import) in imports.iter().enumerate() {
        let _ = match import {
            Import::Slot(module, name, signature) => {
                writeln!(metadata, "import\t{index}\tslot\t{module}\t{name}\t{signature}")
            }
            Import::Variable(module, name, ty) => {
                writeln!(metadata, "import\t{index}\tvariable\t{module}\t{name}\t{ty}")
            }
            Import::StructDesc(module, name) => writeln!(metadata, "import\t{index}\tdesc\t{module}\t{name}"),
            Import::Field(module, strukt, field, ty, initial) => writeln!(
                metadata,
                "import\t{index}\tfield\t{module}\t{strukt}\t{field}\t{ty}\t{initial}"
            ),
            Import::Runtime(name) => writeln!(metadata, "import\t{index}\truntime\t{name}"),
        };
    }

    // The import table: zeroed, writable, filled by the loader.
    if let Some(table) = translated.imports {
        let mut description = DataDescription::new();
        // Initialized data rather than `.bss`, so every entry exists in the file as mapped.
        description.define(vec![0u8; imports.len().max(1) * 8].into_boxed_slice());
        description.set_align(8);
        object.define_data(table, &description)?;
    }
    let function_table = object.declare_data("lang.functions", Linkage::Local, false, false)?;
    let mut description = DataDescription::new();
    description.define(vec![0u8; functions.len().max(1) * 8].into_boxed_slice());
    description.set_align(8);
    for (index, id) in functions.iter().enumerate() {
        let reference = object.declare_func_in_data(*id, &mut description);
        description.write_function_addr((index * 8) as u32, reference);
    }
    object.define_data(function_table, &description)?;
    let text = object.declare_data("lang.metadata", Linkage::Local, false, false)?;
    let mut description = DataDescription::new();
    let mut bytes = metadata.clone().into_bytes();
    bytes.push(0);
    description.define(bytes.into_boxed_slice());
    object.define_data(text, &description)?;

    let table = object.declare_data(MODULE_SYMBOL, Linkage::Export, false, false)?;
    let mut words = Vec::with_capacity(64);
    for word in [
        LIBRARY_MAGIC,
        abi_hash(),
        0,
        metadata.len() as u64,
        0,
        imports.len() as u64,
        0,
        functions.len() as u64,
    ] {
        words.extend_from_slice(&word.to_le_bytes());
    }
    let mut description = DataDescription::new();
    description.define(words.into_boxed_slice());
    description.set_align(8);
    let text_reference = object.declare_data_in_data(text, &mut description);
    description.write_data_addr(16, text_reference, 0);
    if let Some(imports_table) = translated.imports {
        let reference = object.declare_data_in_data(imports_table, &mut description);
        description.write_data_addr(32, reference, 0);
    }
    let functions_reference = object.declare_data_in_data(function_table, &mut description);
    description.write_data_addr(48, functions_reference, 0);
    object.define_data(table, &description)?;

    object
        .finish()
        .emit()
        .map_err(|error| CodegenError(format!("cannot write the object file: {error}")))
}

/// The token hash of each function declaration of `module`, as the JIT's reloads compute it:
/// a function whose hash changed between two builds changed.
fn function_token_hashes(checked: &CheckedProgram, module: ModuleId) -> HashMap<String, u64> {
    let module_data = checked.program.module(module);
    let text = &checked.sources.get(module_data.file).text;
    let mut hashes = HashMap::new();
    for item in &module_data.ast.items {
        if let ast::Item::Function(declaration) = item {
            hashes.insert(
                declaration.name.text.clone(),
                token_hash(&text[declaration.span.range()]),
            );
        }
    }
    hashes
}
