//! The shared-library driver: translates one module of a program for hot reload into a
//! relocatable object, for `lang build --hmr`, which links it into a shared library with
//! `cc -shared`. The same translator as the JIT, in the same hot mode; only the linker
//! differs: the library cannot know the addresses of the host's slots, cells and runtime
//! functions, so the code reads them from an import table that the loader fills.
//!
//! The module table a library exports, its metadata text and the ABI hash are the format of
//! `lang-abi` (`lang_abi::metadata`), which the host's loader reads with the same code.

use std::cell::RefCell;
use std::collections::HashMap;

use super::object::OptLevel;
use super::{CodegenError, CodegenOptions, HotLinker, HotTarget, token_hash, translate_hot_module};
use crate::sema::{CheckedProgram, ModuleId};
use crate::syntax::ast;
use cranelift_module::{DataDescription, FuncId, Linkage, Module};
pub use lang_abi::metadata::{IMPORTS_SYMBOL, LIBRARY_FORMAT, LIBRARY_MAGIC, MODULE_SYMBOL, abi_hash};
use lang_abi::metadata::{Import, LibraryFunction, LibraryMetadata, SlotPatch};

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
        self.index(Import::Slot {
            module: module.into(),
            name: name.into(),
            signature: signature.into(),
        })
    }

    fn variable_cell(&self, module: &str, name: &str, ty: &str) -> u64 {
        self.index(Import::Variable {
            module: module.into(),
            name: name.into(),
            ty: ty.into(),
        })
    }

    fn struct_desc_cell(&self, module: &str, name: &str, _layout: &str) -> u64 {
        self.index(Import::StructDesc {
            module: module.into(),
            name: name.into(),
        })
    }

    fn field_cell(&self, module: &str, strukt: &str, field: &str, ty: &str, initial: i64) -> u64 {
        self.index(Import::Field {
            module: module.into(),
            strukt: strukt.into(),
            field: field.into(),
            ty: ty.into(),
            initial,
        })
    }

    fn uses_import_table(&self) -> bool {
        true
    }

    fn runtime_function(&self, name: &str) -> u64 {
        self.index(Import::Runtime { name: name.into() })
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
    let hashes = function_token_hashes(checked, module);
    let mut metadata = LibraryMetadata {
        module: module_data.name.clone(),
        display_name: file.display_name.clone(),
        setup: Some(index_of(translated.entry)),
        ..LibraryMetadata::default()
    };
    for function in &translated.hot_functions {
        metadata.functions.push(LibraryFunction {
            token_hash: hashes.get(&function.name).copied().unwrap_or(0),
            function: function.clone().map(&mut index_of),
        });
    }
    metadata.variables = translated
        .hot_variables
        .iter()
        .map(|variable| variable.clone().map(&mut index_of))
        .collect();
    metadata.structs = translated.hot_structs.clone();
    metadata.enums = translated.hot_enums.clone();
    metadata.defaults = translated
        .hot_defaults
        .iter()
        .map(|default| default.clone().map(&mut index_of))
        .collect();
    for (import, id) in &translated.slot_patches {
        metadata.patches.push(SlotPatch {
            import: *import as usize,
            function: index_of(*id),
        });
    }
    let imports = linker.imports.into_inner();
    metadata.imports = imports.iter().cloned().enumerate().collect();
    let metadata = metadata.render();

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
