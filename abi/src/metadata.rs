//! The format of a `lang build --hmr` module library, written by the compiler
//! (`compiler/src/codegen/library.rs`) and read by the host's loader
//! (`runtime/hot/src/library/`), and the ABI hash both sides check.
//!
//! A library exports one symbol, [`MODULE_SYMBOL`], a table of eight words:
//!
//! | word | content                                                              |
//! |------|----------------------------------------------------------------------|
//! | 0    | [`LIBRARY_MAGIC`]                                                    |
//! | 1    | [`abi_hash`]: the runtime functions, constants and this format       |
//! | 2, 3 | the metadata text (address, length in bytes)                         |
//! | 4, 5 | the import table (address, number of entries), filled by the loader  |
//! | 6, 7 | the function table (address, number of entries)                     |
//!
//! The metadata is text ([`LibraryMetadata`]), one record per line, fields separated by
//! tabs; function indices point into the function table:
//!
//! ```text
//! module    NAME  DISPLAY-NAME
//! setup     INDEX
//! function  NAME  SIGNATURE  INDEX  TOKEN-HASH
//! variable  NAME  TYPE  LET(0|1)  TOKEN-HASH  INDEX
//! struct    NAME  LAYOUT-HASH  (FIELD  TYPE)*
//! default   STRUCT  FIELD  INDEX
//! enum      NAME  KEY  (NUMBER  VARIANT)*
//! patch     IMPORT  INDEX
//! import    INDEX  slot      MODULE  NAME  SIGNATURE
//! import    INDEX  variable  MODULE  NAME  TYPE
//! import    INDEX  desc      MODULE  NAME
//! import    INDEX  field     MODULE  STRUCT  FIELD  TYPE  INITIAL-OFFSET
//! import    INDEX  runtime   NAME
//! ```
//!
//! Names, types and signatures never contain a tab or a line break.

use std::fmt::Write as _;

use crate::constants;
use crate::functions::RUNTIME_FUNCTIONS;
use crate::hash::fnv1a;
use crate::records::{DefaultRecord, EnumRecord, FieldRecord, FunctionRecord, StructRecord, VariableRecord};

/// The symbol of a library's module table.
pub const MODULE_SYMBOL: &str = "lang_module";
/// The (local) symbol of a library's import table.
pub const IMPORTS_SYMBOL: &str = "lang.imports";
/// The first word of a module table.
pub const LIBRARY_MAGIC: u64 = u64::from_le_bytes(*b"LANGLIB1");
/// The number of words of a module table.
pub const MODULE_TABLE_WORDS: usize = 8;
/// The version of this format (2: `enum` records, and payload variants as hidden hot structs).
pub const LIBRARY_FORMAT: u64 = 2;

/// Everything a library and its loader must agree on, as text: this format's version, the
/// table of runtime functions with their signatures, and the constants compiled code uses.
pub fn abi_description() -> String {
    let mut text = format!("lang library format {LIBRARY_FORMAT}\n");
    for function in RUNTIME_FUNCTIONS {
        let _ = writeln!(
            text,
            "function {} {:?} -> {:?}{}",
            function.name,
            function.params,
            function.result,
            if function.fallible { " fallible" } else { "" }
        );
    }
    for (name, value) in constants::ALL {
        let _ = writeln!(text, "constant {name} {value}");
    }
    text
}

/// A hash of [`abi_description`]. A library built by a version of `lang` with another hash is
/// refused by the host.
pub fn abi_hash() -> u64 {
    static HASH: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    *HASH.get_or_init(|| fnv1a(abi_description().as_bytes()))
}

/// One entry of a library's import table: what the loader writes there.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Import {
    /// The address of a function slot.
    Slot {
        module: String,
        name: String,
        signature: String,
    },
    /// The address of a variable cell.
    Variable { module: String, name: String, ty: String },
    /// The address of a struct descriptor cell.
    StructDesc { module: String, name: String },
    /// The address of a field offset cell; `initial` is the offset in the layout compiled.
    Field {
        module: String,
        strukt: String,
        field: String,
        ty: String,
        initial: i64,
    },
    /// The address of a runtime function.
    Runtime { name: String },
}

/// A function of the library and the token hash of its declaration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LibraryFunction {
    pub function: FunctionRecord<usize>,
    pub token_hash: u64,
}

/// A slot the loader points at a function of the library (a wrapper of a built-in used as a
/// value): the import holding the slot, and the function's index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SlotPatch {
    pub import: usize,
    pub function: usize,
}

/// A library's metadata. Code is named by its index in the library's function table.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LibraryMetadata {
    pub module: String,
    pub display_name: String,
    /// The setup function: `fn(ctx) -> status` (literals, struct descriptors).
    pub setup: Option<usize>,
    pub functions: Vec<LibraryFunction>,
    pub variables: Vec<VariableRecord<usize>>,
    pub structs: Vec<StructRecord>,
    pub defaults: Vec<DefaultRecord<usize>>,
    pub enums: Vec<EnumRecord>,
    pub patches: Vec<SlotPatch>,
    /// The import table's entries, by index.
    pub imports: Vec<(usize, Import)>,
}

impl LibraryMetadata {
    /// The metadata text.
    pub fn render(&self) -> String {
        let mut text = String::new();
        let _ = writeln!(text, "module\t{}\t{}", self.module, self.display_name);
        if let Some(setup) = self.setup {
            let _ = writeln!(text, "setup\t{setup}");
        }
        for LibraryFunction { function, token_hash } in &self.functions {
            let _ = writeln!(
                text,
                "function\t{}\t{}\t{}\t{token_hash}",
                function.name, function.signature, function.address
            );
        }
        for variable in &self.variables {
            let _ = writeln!(
                text,
                "variable\t{}\t{}\t{}\t{}\t{}",
                variable.name,
                variable.ty,
                u8::from(variable.is_let),
                variable.token_hash,
                variable.initializer
            );
        }
        for strukt in &self.structs {
            let _ = write!(text, "struct\t{}\t{}", strukt.name, strukt.layout_hash);
            for field in &strukt.fields {
                let _ = write!(text, "\t{}\t{}", field.name, field.ty);
            }
            text.push('\n');
        }
        for default in &self.defaults {
            let _ = writeln!(
                text,
                "default\t{}\t{}\t{}",
                default.strukt, default.field, default.function
            );
        }
        for record in &self.enums {
            let _ = write!(text, "enum\t{}\t{}", record.name, record.key);
            for (number, variant) in &record.variants {
                let _ = write!(text, "\t{number}\t{variant}");
            }
            text.push('\n');
        }
        for patch in &self.patches {
            let _ = writeln!(text, "patch\t{}\t{}", patch.import, patch.function);
        }
        for (index, import) in &self.imports {
            let _ = match import {
                Import::Slot {
                    module,
                    name,
                    signature,
                } => {
                    writeln!(text, "import\t{index}\tslot\t{module}\t{name}\t{signature}")
                }
                Import::Variable { module, name, ty } => {
                    writeln!(text, "import\t{index}\tvariable\t{module}\t{name}\t{ty}")
                }
                Import::StructDesc { module, name } => writeln!(text, "import\t{index}\tdesc\t{module}\t{name}"),
                Import::Field {
                    module,
                    strukt,
                    field,
                    ty,
                    initial,
                } => writeln!(
                    text,
                    "import\t{index}\tfield\t{module}\t{strukt}\t{field}\t{ty}\t{initial}"
                ),
                Import::Runtime { name } => writeln!(text, "import\t{index}\truntime\t{name}"),
            };
        }
        text
    }

    /// Reads a metadata text. Indices are not checked against the library's tables here;
    /// the loader does that.
    pub fn parse(text: &str) -> Result<LibraryMetadata, String> {
        let index =
            |text: &str| -> Result<usize, String> { text.parse().map_err(|_| format!("bad function index `{text}`")) };
        let number = |text: &str| -> Result<u64, String> { text.parse().map_err(|_| format!("bad number `{text}`")) };
        let mut metadata = LibraryMetadata::default();
        for line in text.lines() {
            let fields: Vec<&str> = line.split('\t').collect();
            match fields.as_slice() {
                ["module", module_name, display] => {
                    metadata.module = module_name.to_string();
                    metadata.display_name = display.to_string();
                }
                ["setup", setup] => metadata.setup = Some(index(setup)?),
                ["function", name, signature, function, hash] => metadata.functions.push(LibraryFunction {
                    function: FunctionRecord {
                        name: name.to_string(),
                        signature: signature.to_string(),
                        address: index(function)?,
                    },
                    token_hash: number(hash)?,
                }),
                ["variable", name, ty, is_let, hash, initializer] => metadata.variables.push(VariableRecord {
                    name: name.to_string(),
                    ty: ty.to_string(),
                    is_let: *is_let == "1",
                    token_hash: number(hash)?,
                    initializer: index(initializer)?,
                }),
                ["struct", name, hash, rest @ ..] => {
                    let fields = rest
                        .chunks(2)
                        .map(|pair| FieldRecord {
                            name: pair[0].to_string(),
                            ty: pair.get(1).unwrap_or(&"").to_string(),
                        })
                        .collect();
                    metadata.structs.push(StructRecord {
                        name: name.to_string(),
                        layout_hash: number(hash)?,
                        fields,
                    });
                }
                ["enum", name, key, rest @ ..] => {
                    let mut variants = Vec::new();
                    for pair in rest.chunks(2) {
                        let variant = pair.get(1).unwrap_or(&"").to_string();
                        variants.push((number(pair[0])? as i64, variant));
                    }
                    metadata.enums.push(EnumRecord {
                        name: name.to_string(),
                        key: number(key)? as u32,
                        variants,
                    });
                }
                ["default", strukt, field, function] => metadata.defaults.push(DefaultRecord {
                    strukt: strukt.to_string(),
                    field: field.to_string(),
                    function: index(function)?,
                }),
                ["patch", import, function] => metadata.patches.push(SlotPatch {
                    import: number(import)? as usize,
                    function: index(function)?,
                }),
                ["import", entry, kind, rest @ ..] => {
                    let entry = number(entry)? as usize;
                    let text = |field: &&str| field.to_string();
                    let import = match (*kind, rest) {
                        ("slot", [module, name, signature]) => Import::Slot {
                            module: text(module),
                            name: text(name),
                            signature: text(signature),
                        },
                        ("variable", [module, name, ty]) => Import::Variable {
                            module: text(module),
                            name: text(name),
                            ty: text(ty),
                        },
                        ("desc", [module, name]) => Import::StructDesc {
                            module: text(module),
                            name: text(name),
                        },
                        ("field", [module, strukt, field, ty, initial]) => Import::Field {
                            module: text(module),
                            strukt: text(strukt),
                            field: text(field),
                            ty: text(ty),
                            initial: initial.parse().map_err(|_| format!("bad offset `{initial}`"))?,
                        },
                        ("runtime", [name]) => Import::Runtime { name: text(name) },
                        _ => return Err(format!("bad import `{line}`")),
                    };
                    metadata.imports.push((entry, import));
                }
                [""] => {}
                _ => return Err(format!("bad metadata line `{line}`")),
            }
        }
        Ok(metadata)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_reads_back() {
        let metadata = LibraryMetadata {
            module: "main".into(),
            display_name: "main.ln".into(),
            setup: Some(0),
            functions: vec![LibraryFunction {
                function: FunctionRecord {
                    name: "add".into(),
                    signature: "fn(int, int) -> int".into(),
                    address: 1,
                },
                token_hash: 99,
            }],
            variables: vec![VariableRecord {
                name: "count".into(),
                ty: "int".into(),
                is_let: true,
                token_hash: 7,
                initializer: 2,
            }],
            structs: vec![StructRecord {
                name: "Point".into(),
                layout_hash: 5,
                fields: vec![FieldRecord {
                    name: "x".into(),
                    ty: "float".into(),
                }],
            }],
            defaults: vec![DefaultRecord {
                strukt: "Point".into(),
                field: "x".into(),
                function: 3,
            }],
            enums: vec![EnumRecord {
                name: "Mood".into(),
                key: 12,
                variants: vec![(5, "Calm".into()), (9, "Angry".into())],
            }],
            patches: vec![SlotPatch { import: 0, function: 4 }],
            imports: vec![
                (
                    0,
                    Import::Slot {
                        module: "main".into(),
                        name: "add".into(),
                        signature: "fn(int, int) -> int".into(),
                    },
                ),
                (
                    1,
                    Import::Field {
                        module: "main".into(),
                        strukt: "Point".into(),
                        field: "x".into(),
                        ty: "float".into(),
                        initial: 24,
                    },
                ),
                (
                    2,
                    Import::Runtime {
                        name: "lang_rt_box".into(),
                    },
                ),
            ],
        };
        assert_eq!(LibraryMetadata::parse(&metadata.render()), Ok(metadata));
        assert!(LibraryMetadata::parse("import\t0\tslot\tmain").is_err());
        assert!(LibraryMetadata::parse("nonsense").is_err());
    }

    #[test]
    fn the_abi_hash_covers_the_table() {
        let description = abi_description();
        assert!(description.contains("function lang_rt_box [Word, Word] -> Some(Word) fallible"));
        assert!(description.contains("constant HOT_FIELDS_OFFSET 24"));
        assert_eq!(abi_hash(), fnv1a(description.as_bytes()));
    }
}
