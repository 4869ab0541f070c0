//! Runtime-owned storage that outlives every module version: function slots, module-variable
//! cells and struct-descriptor cells, keyed by module, name and type. Generated code embeds
//! their addresses, so they are allocated once and never move or get freed. Also the names
//! every enum key and variant number stood for, to refuse a version in which two names hash
//! to the same number.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

#[cfg(feature = "jit")]
use lang_compiler::codegen::HotLinker;
use lang_runtime_core::Context;

type Key = (String, String, String);

#[derive(Default)]
pub struct Registry {
    slots: Mutex<HashMap<Key, usize>>,
    cells: Mutex<HashMap<Key, usize>>,
    descs: Mutex<HashMap<Key, usize>>,
    fields: Mutex<HashMap<(String, String, String, String), usize>>,
    /// Variable cells created since the collector last learned about them.
    new_cells: Mutex<Vec<usize>>,
    /// Every enum key registered, with the enum it stands for (`module.Enum`).
    enum_keys: Mutex<HashMap<u32, String>>,
    /// Every (enum key, variant number) registered, with the variant's name. Never forgets:
    /// values of a removed variant may still be alive, and print by its name.
    variant_numbers: Mutex<HashMap<(u32, i64), String>>,
}

/// Two different names that hash to the same number under hot reload (`lang_abi::enums`):
/// the version that would bring the second one is refused.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum NumberCollision {
    /// Two enums with the same registry key.
    Enum { first: String, second: String },
    /// Two variants of one enum with the same number.
    Variant { first: String, second: String, number: i64 },
}

impl NumberCollision {
    /// Why the version is refused; `next_step` is what makes the next version.
    pub(crate) fn explain(&self, next_step: &str) -> String {
        match self {
            NumberCollision::Enum { first, second } => format!(
                "the enums `{first}` and `{second}` have the same key under hot reload (a hash of their \
                 module and name), so their values could not be told apart; rename one of them and {next_step}"
            ),
            NumberCollision::Variant { first, second, number } => format!(
                "the variants `{first}` and `{second}` have the same number under hot reload ({number}, a hash of \
                 their module, enum and name), so their values could not be told apart; rename one of them (a \
                 variant removed by an earlier reload keeps its number while its values may live) and {next_step}"
            ),
        }
    }
}

fn leak_words(count: usize) -> usize {
    let words: Box<[AtomicU64]> = (0..count).map(|_| AtomicU64::new(0)).collect();
    Box::leak(words).as_ptr() as usize
}

/// Whether a function of this signature returns a value in an integer register before its
/// status (so the status comes second), as opposed to no value or a float.
fn status_comes_second(signature: &str) -> bool {
    // `fn(PARAMS) -> RESULT`: find the parenthesis closing the parameters.
    let mut depth = 0usize;
    for (index, character) in signature.char_indices() {
        match character {
            '(' => depth += 1,
            ')' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    let rest = signature[index + 1..].trim();
                    return match rest.strip_prefix("->") {
                        Some(result) => result.trim() != "float",
                        None => false,
                    };
                }
            }
            _ => {}
        }
    }
    false
}

/// What old code gets when it calls a function that a reload removed or whose signature
/// changed (LANGUAGE.md section 7 item 2): a runtime error at that call.
extern "C" fn stub_status(ctx: *mut Context) -> u8 {
    // SAFETY: compiled code passes its context.
    unsafe { (*ctx).fail(stub_message()) };
    1
}

#[repr(C)]
struct ValueAndStatus {
    value: u64,
    status: u64,
}

extern "C" fn stub_value_status(ctx: *mut Context) -> ValueAndStatus {
    // SAFETY: compiled code passes its context.
    unsafe { (*ctx).fail(stub_message()) };
    ValueAndStatus { value: 0, status: 1 }
}

/// The slots a reload pointed at the stub, with the name of the function each was for
/// (`helper`, as the reload line names it): the stub cannot tell which slot it was called through, so the
/// message names the function when only one slot holds a stub now.
static STUBBED_SLOTS: Mutex<Option<HashMap<usize, String>>> = Mutex::new(None);

/// Called when a reload points `slot` at the stub of the removed (or retyped) function `shown`.
pub fn remember_stubbed(slot: &'static AtomicU64, shown: String) {
    let mut stubbed = STUBBED_SLOTS.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    stubbed
        .get_or_insert_with(HashMap::new)
        .insert(slot as *const AtomicU64 as usize, shown);
}

fn stub_message() -> String {
    let stubbed = STUBBED_SLOTS.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let mut names: Vec<&str> = stubbed
        .iter()
        .flatten()
        // SAFETY: the keys are slots, which live forever.
        .filter(|(slot, _)| is_stub(unsafe { &*(**slot as *const AtomicU64) }.load(Ordering::SeqCst) as usize))
        .map(|(_, name)| name.as_str())
        .collect();
    names.sort_unstable();
    match names[..] {
        [name] => format!("called `{name}`, which a reload removed or whose signature changed"),
        _ => "called a function that a reload removed or whose signature changed".to_string(),
    }
}

/// What a call of a closure gets when a reload removed its function expression, or changed
/// its parameter or result types or what it captures (LANGUAGE.md section 10).
extern "C" fn closure_stub_status(ctx: *mut Context) -> u8 {
    // SAFETY: compiled code passes its context.
    let ctx = unsafe { &mut *ctx };
    let message = closure_stub_message(ctx);
    ctx.fail(message);
    1
}

extern "C" fn closure_stub_value_status(ctx: *mut Context) -> ValueAndStatus {
    // SAFETY: compiled code passes its context.
    let ctx = unsafe { &mut *ctx };
    let message = closure_stub_message(ctx);
    ctx.fail(message);
    ValueAndStatus { value: 0, status: 1 }
}

/// Each closure identity's slot, and how its function expression was described by the last
/// version that had it (`closure in make (line 7)`): what the stub names.
static CLOSURE_DESCRIPTIONS: Mutex<Option<HashMap<usize, String>>> = Mutex::new(None);

/// Called by the setup of each module version for each function expression it compiled:
/// `slot` is its identity's slot, `text` a NUL-terminated description.
#[unsafe(no_mangle)]
pub extern "C" fn lang_hot_describe_closure(_ctx: *mut Context, slot: usize, text: *const std::ffi::c_char) {
    // SAFETY: compiled code passes a NUL-terminated text it emitted.
    let text = unsafe { std::ffi::CStr::from_ptr(text) }.to_string_lossy().into_owned();
    let mut descriptions = CLOSURE_DESCRIPTIONS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    descriptions.get_or_insert_with(HashMap::new).insert(slot, text);
}

/// The message of a call of a removed or changed closure: compiled code stored the closure
/// being called in the context, and its word at `FUNCTION_CODE_OFFSET` is its slot.
fn closure_stub_message(ctx: &Context) -> String {
    let value = ctx.called_function_value as usize;
    let description = if value == 0 {
        None
    } else {
        // SAFETY: a function value under hot reload holds its slot at `FUNCTION_CODE_OFFSET`.
        let slot = unsafe { *((value + lang_abi::FUNCTION_CODE_OFFSET as usize) as *const usize) };
        let descriptions = CLOSURE_DESCRIPTIONS
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        descriptions
            .as_ref()
            .and_then(|descriptions| descriptions.get(&slot).cloned())
    };
    let closure = match description {
        Some(description) => format!("the {description}"),
        None => "a closure".to_string(),
    };
    format!(
        "called {closure}, whose function expression a reload removed, or changed in its parameter types, result type or captured variables"
    )
}

/// Whether `address` is one of the stubs of removed functions.
pub fn is_stub(address: usize) -> bool {
    [
        stub_value_status as *const () as usize,
        stub_status as *const () as usize,
        closure_stub_value_status as *const () as usize,
        closure_stub_status as *const () as usize,
    ]
    .contains(&address)
}

/// The stub for the slot of function `name` (or of a closure's identity, whose name
/// `compiler::CheckedProgram::closure_identity` starts with `{closure`).
pub fn stub_for(name: &str, signature: &str) -> usize {
    match (name.starts_with("{closure"), status_comes_second(signature)) {
        (false, true) => stub_value_status as *const () as usize,
        (false, false) => stub_status as *const () as usize,
        (true, true) => closure_stub_value_status as *const () as usize,
        (true, false) => closure_stub_status as *const () as usize,
    }
}

impl Registry {
    /// The slot of a function, created (pointing at the stub) if new.
    pub fn slot(&self, module: &str, name: &str, signature: &str) -> &'static AtomicU64 {
        let mut slots = self.slots.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let address = *slots
            .entry((module.into(), name.into(), signature.into()))
            .or_insert_with(|| {
                // Under hot reload a function value is a slot (LANGUAGE.md section 10,
                // `compiler/src/codegen/hot/closures.rs`): an object whose header says
                // immortal, so that the collector, which traces function values, leaves it
                // alone, and whose word at `FUNCTION_CODE_OFFSET` is the slot's address, which
                // calls load the code from. So a slot is five words:
                // `[0][immortal][code: the slot][immortal][address of the slot]`.
                lang_runtime_core::system::FUNCTION_VALUES_THROUGH_SLOTS.store(true, Ordering::SeqCst);
                let words = leak_words(5);
                let address = words + 16;
                let immortal = lang_abi::OBJECT_FLAG_IMMORTAL as u64;
                // SAFETY: just allocated, never freed.
                let word = |index: usize| unsafe { &*((words + 8 * index) as *const AtomicU64) };
                word(1).store(immortal, Ordering::SeqCst);
                word(2).store(stub_for(name, signature) as u64, Ordering::SeqCst);
                word(3).store(immortal, Ordering::SeqCst);
                word(4).store(address as u64, Ordering::SeqCst);
                debug_assert_eq!(lang_abi::FUNCTION_CODE_OFFSET, 16);
                address
            });
        // SAFETY: slots are leaked allocations of one word.
        unsafe { &*(address as *const AtomicU64) }
    }

    /// The (value, state) cell of a module variable.
    pub fn cell(&self, module: &str, name: &str, ty: &str) -> &'static [AtomicU64; 2] {
        let mut cells = self.cells.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let address = *cells.entry((module.into(), name.into(), ty.into())).or_insert_with(|| {
            let address = leak_words(2);
            self.new_cells
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .push(address);
            address
        });
        // SAFETY: cells are leaked allocations of two words.
        unsafe { &*(address as *const [AtomicU64; 2]) }
    }

    /// The offset cell of a struct field (see `HotLinker::field_cell`).
    pub fn field(&self, module: &str, strukt: &str, field: &str, ty: &str, initial: i64) -> &'static AtomicU64 {
        let mut fields = self.fields.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let address = *fields
            .entry((module.into(), strukt.into(), field.into(), ty.into()))
            .or_insert_with(|| {
                let address = leak_words(1);
                // SAFETY: just allocated, never freed.
                unsafe { &*(address as *const AtomicU64) }.store(initial as u64, Ordering::SeqCst);
                address
            });
        // SAFETY: cells are leaked allocations of one word.
        unsafe { &*(address as *const AtomicU64) }
    }

    /// Every field cell of a struct: (field, type, cell).
    pub fn fields_of(&self, module: &str, strukt: &str) -> Vec<(String, String, &'static AtomicU64)> {
        let fields = self.fields.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        fields
            .iter()
            .filter(|((m, s, _, _), _)| m == module && s == strukt)
            // SAFETY: cells are leaked allocations of one word.
            .map(|((_, _, field, ty), &address)| {
                (field.clone(), ty.clone(), unsafe { &*(address as *const AtomicU64) })
            })
            .collect()
    }

    /// The descriptor cell of a struct under hot reload (keyed by module and name).
    pub fn desc_cell(&self, module: &str, strukt: &str) -> &'static AtomicU64 {
        let address = {
            let mut descs = self.descs.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            *descs
                .entry((module.into(), strukt.into(), String::new()))
                .or_insert_with(|| leak_words(1))
        };
        // SAFETY: cells are leaked allocations of one word.
        unsafe { &*(address as *const AtomicU64) }
    }

    /// The slot of a function, if one was ever made (never creates one).
    #[cfg(feature = "jit")] // (looked up by name only by the embedding engine)
    pub fn existing_slot(&self, module: &str, name: &str, signature: &str) -> Option<&'static AtomicU64> {
        let slots = self.slots.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let address = *slots.get(&(module.to_string(), name.to_string(), signature.to_string()))?;
        // SAFETY: slots are leaked allocations of one word.
        Some(unsafe { &*(address as *const AtomicU64) })
    }

    /// The signatures of the slots named `name` in `module`, for "did you mean" messages.
    #[cfg(feature = "jit")] // (looked up by name only by the embedding engine)
    pub fn slot_signatures(&self, module: &str, name: &str) -> Vec<String> {
        let slots = self.slots.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        slots
            .iter()
            .filter(|entry| {
                let ((slot_module, slot_name, _), address) = *entry;
                slot_module == module
                    && slot_name == name
                    // SAFETY: slots are leaked allocations of one word.
                    && !is_stub(unsafe { &*(*address as *const AtomicU64) }.load(Ordering::SeqCst) as usize)
            })
            .map(|((_, _, signature), _)| signature.clone())
            .collect()
    }

    /// The cell of a module variable, if one was ever made (never creates one).
    #[cfg(feature = "jit")] // (looked up by name only by the embedding engine)
    pub fn existing_cell(&self, module: &str, name: &str, ty: &str) -> Option<&'static [AtomicU64; 2]> {
        let cells = self.cells.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let address = *cells.get(&(module.to_string(), name.to_string(), ty.to_string()))?;
        // SAFETY: cells are leaked allocations of two words.
        Some(unsafe { &*(address as *const [AtomicU64; 2]) })
    }

    /// The types of the variables named `name` in `module` that exist now.
    #[cfg(feature = "jit")] // (looked up by name only by the embedding engine)
    pub fn cell_types(&self, module: &str, name: &str) -> Vec<String> {
        let cells = self.cells.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        cells
            .iter()
            // SAFETY: cells are leaked allocations of two words.
            .filter(|entry| {
                let ((cell_module, cell_name, _), address) = *entry;
                cell_module == module
                    && cell_name == name
                    && unsafe { &*(*address as *const [AtomicU64; 2]) }[1].load(Ordering::SeqCst) == 1
            })
            .map(|((_, _, ty), _)| ty.clone())
            .collect()
    }

    /// The code address every slot currently holds.
    pub fn slot_values(&self) -> Vec<u64> {
        let slots = self.slots.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        slots
            .values()
            // SAFETY: slots are leaked allocations of one word.
            .map(|&address| unsafe { &*(address as *const AtomicU64) }.load(Ordering::SeqCst))
            .collect()
    }

    /// The first enum key or variant number that two different names would share if the
    /// enums of `modules` (module name, records) were registered: with each other, or with
    /// any registered before (removed variants included).
    pub(crate) fn number_collision<'a>(
        &self,
        modules: impl IntoIterator<Item = (&'a str, &'a [lang_abi::EnumRecord])>,
    ) -> Option<NumberCollision> {
        let mut enum_keys = self
            .enum_keys
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone();
        let mut numbers = self
            .variant_numbers
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone();
        for (module, records) in modules {
            for record in records {
                let enum_name = format!("{module}.{}", record.name);
                match enum_keys.get(&record.key) {
                    Some(known) if *known != enum_name => {
                        return Some(NumberCollision::Enum {
                            first: known.clone(),
                            second: enum_name,
                        });
                    }
                    _ => {
                        enum_keys.insert(record.key, enum_name.clone());
                    }
                }
                for (number, variant) in &record.variants {
                    let variant_name = format!("{enum_name}.{variant}");
                    match numbers.get(&(record.key, *number)) {
                        Some(known) if *known != variant_name => {
                            return Some(NumberCollision::Variant {
                                first: known.clone(),
                                second: variant_name,
                                number: *number,
                            });
                        }
                        _ => {
                            numbers.insert((record.key, *number), variant_name);
                        }
                    }
                }
            }
        }
        None
    }

    /// Registers the enum keys and variant numbers of an accepted version (see
    /// [`Registry::number_collision`]).
    pub(crate) fn register_enums<'a>(&self, modules: impl IntoIterator<Item = (&'a str, &'a [lang_abi::EnumRecord])>) {
        let mut enum_keys = self.enum_keys.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut numbers = self
            .variant_numbers
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        for (module, records) in modules {
            for record in records {
                let enum_name = format!("{module}.{}", record.name);
                enum_keys.entry(record.key).or_insert_with(|| enum_name.clone());
                for (number, variant) in &record.variants {
                    numbers
                        .entry((record.key, *number))
                        .or_insert_with(|| format!("{enum_name}.{variant}"));
                }
            }
        }
    }

    /// Cells created since the last call, for the collector's roots.
    pub fn take_new_cells(&self) -> Vec<usize> {
        std::mem::take(&mut *self.new_cells.lock().unwrap_or_else(|poisoned| poisoned.into_inner()))
    }
}

#[cfg(feature = "jit")]
impl HotLinker for Registry {
    fn function_slot(&self, module: &str, name: &str, signature: &str) -> u64 {
        self.slot(module, name, signature) as *const AtomicU64 as u64
    }

    fn variable_cell(&self, module: &str, name: &str, ty: &str) -> u64 {
        self.cell(module, name, ty) as *const [AtomicU64; 2] as u64
    }

    fn field_cell(&self, module: &str, strukt: &str, field: &str, ty: &str, initial: i64) -> u64 {
        self.field(module, strukt, field, ty, initial) as *const AtomicU64 as u64
    }

    fn struct_desc_cell(&self, module: &str, name: &str, _layout: &str) -> u64 {
        self.desc_cell(module, name) as *const AtomicU64 as u64
    }
}

#[cfg(test)]
mod tests {
    use super::{NumberCollision, Registry, status_comes_second};

    fn record(name: &str, key: u32, variants: &[(i64, &str)]) -> lang_abi::EnumRecord {
        lang_abi::EnumRecord {
            name: name.into(),
            key,
            variants: variants
                .iter()
                .map(|(number, name)| (*number, name.to_string()))
                .collect(),
        }
    }

    #[test]
    fn two_names_with_one_number_are_a_collision() {
        let registry = Registry::default();
        // The numbers the hash gives are distinct for real names; a collision is built here.
        let mood = [record("Mood", 7, &[(1, "Calm"), (2, "Angry")])];
        assert_eq!(registry.number_collision([("main", &mood[..])]), None);
        registry.register_enums([("main", &mood[..])]);
        // The same names again (a reload) are no collision.
        assert_eq!(registry.number_collision([("main", &mood[..])]), None);
        // Within one version.
        let clash = [record("Mood", 7, &[(1, "Calm"), (1, "Sleepy")])];
        assert_eq!(
            registry.number_collision([("main", &clash[..])]),
            Some(NumberCollision::Variant {
                first: "main.Mood.Calm".into(),
                second: "main.Mood.Sleepy".into(),
                number: 1
            })
        );
        // With a variant a reload removed: its values may be alive.
        let renamed = [record("Mood", 7, &[(1, "Calm"), (2, "Furious")])];
        let collision = registry.number_collision([("main", &renamed[..])]);
        assert_eq!(
            collision,
            Some(NumberCollision::Variant {
                first: "main.Mood.Angry".into(),
                second: "main.Mood.Furious".into(),
                number: 2
            })
        );
        assert!(collision.unwrap().explain("save again").contains("rename one of them"));
        // The same number in another enum is no collision; the same enum key is.
        let other = [record("Color", 8, &[(1, "Red")])];
        assert_eq!(registry.number_collision([("main", &other[..])]), None);
        let same_key = [record("Color", 7, &[(9, "Red")])];
        assert_eq!(
            registry.number_collision([("main", &same_key[..])]),
            Some(NumberCollision::Enum {
                first: "main.Mood".into(),
                second: "main.Color".into()
            })
        );
    }

    #[test]
    fn the_status_register_follows_the_result_type() {
        assert!(!status_comes_second("fn()"));
        assert!(!status_comes_second("fn(int) -> float"));
        assert!(status_comes_second("fn(int) -> int"));
        assert!(status_comes_second("fn(fn(int) -> float) -> bool"));
        assert!(!status_comes_second("fn(fn(int) -> int)"));
    }
}
