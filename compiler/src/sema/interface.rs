//! Module interface summaries: what a module exports (pub functions, structs, enums and
//! variables), as text keyed by name, with a hash.
//!
//! Importers depend only on this summary. The hot-reload machinery compares the summaries of
//! two versions of a module to decide whether its dependents must be checked again.

use std::collections::BTreeMap;
use std::hash::{DefaultHasher, Hash, Hasher};

use super::scope::{ModuleItem, ModuleScope};
use super::types::{Items, ModuleId};

/// The exported items of one module, each rendered to a canonical signature string.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct ModuleInterface {
    pub functions: BTreeMap<String, String>,
    pub structs: BTreeMap<String, String>,
    pub enums: BTreeMap<String, String>,
    pub variables: BTreeMap<String, String>,
    /// `hash_value`, computed once when the interface is made: a reload's snapshot asks for
    /// every module's hash, and hashing every map again would make it grow with the program.
    hash: u64,
}

impl ModuleInterface {
    pub(super) fn of(items: &Items, scope: &ModuleScope, module: ModuleId) -> ModuleInterface {
        let mut interface = ModuleInterface::default();
        for (name, item) in &scope.items {
            match *item {
                ModuleItem::Function(id) => {
                    let function = items.function(id);
                    if function.is_pub && function.module == module {
                        interface.functions.insert(name.clone(), items.display(&function.ty()));
                    }
                }
                ModuleItem::Struct(id) => {
                    let info = items.struct_info(id);
                    if info.is_pub && info.module == module {
                        let fields: Vec<String> = info
                            .fields
                            .iter()
                            .map(|field| {
                                let default = if field.has_default { " = .." } else { "" };
                                format!("{}: {}{default}", field.name, items.display(&field.ty))
                            })
                            .collect();
                        interface.structs.insert(name.clone(), fields.join(", "));
                    }
                }
                ModuleItem::Variable(id) => {
                    let variable = items.variable(id);
                    if variable.is_pub && variable.module == module {
                        let keyword = if variable.mutable { "var" } else { "let" };
                        let ty = variable.ty.as_ref().map_or("?".to_string(), |ty| items.display(ty));
                        interface.variables.insert(name.clone(), format!("{keyword} {ty}"));
                    }
                }
                ModuleItem::Enum(id) => {
                    let info = items.enum_info(id);
                    if info.is_pub && info.module == module {
                        let variants: Vec<String> = info
                            .variants
                            .iter()
                            .map(|variant| {
                                if !variant.has_payload {
                                    return variant.name.clone();
                                }
                                let fields: Vec<String> = variant
                                    .fields
                                    .iter()
                                    .map(|field| {
                                        let default = if field.has_default { " = .." } else { "" };
                                        format!("{}: {}{default}", field.name, items.display(&field.ty))
                                    })
                                    .collect();
                                format!("{}({})", variant.name, fields.join(", "))
                            })
                            .collect();
                        interface.enums.insert(name.clone(), variants.join(", "));
                    }
                }
                ModuleItem::Import(_) => {}
            }
        }
        interface.hash = interface.hash_of_maps();
        interface
    }

    /// A hash of the whole interface: equal interfaces have equal hashes within one build of
    /// the compiler.
    pub fn hash_value(&self) -> u64 {
        self.hash
    }

    fn hash_of_maps(&self) -> u64 {
        let mut hasher = DefaultHasher::new();
        self.functions.hash(&mut hasher);
        self.structs.hash(&mut hasher);
        self.enums.hash(&mut hasher);
        self.variables.hash(&mut hasher);
        hasher.finish()
    }
}
