//! Struct migration (LANGUAGE.md section 7 item 4): the pre-check both producers make before
//! a version is handed over (every new or retyped field needs a default), the memory prepared
//! off the script thread, and the migration itself at the swap: every live instance of a
//! struct whose layout changed gets a new payload, all or nothing.

use std::collections::HashSet;
use std::sync::atomic::Ordering;

use lang_runtime_core::Context;
use lang_runtime_core::abi::{DefaultFunction, lang_rt_struct_desc};
use lang_runtime_core::heap::Run;
use lang_runtime_core::object::{
    HANDLE_DESC, HANDLE_PAYLOAD_OFFSET, HOT_FIELDS_OFFSET, Header, PAYLOAD_OWNER_OFFSET, TypeDesc,
};

use crate::code::{ModuleUpdate, Ready};
use crate::registry::Registry;

/// A field that a migration could not fill: new, or of a changed type, and without a default.
pub(crate) struct FieldWithoutDefault {
    /// The module's name.
    pub(crate) module: String,
    /// The display name of the module's file.
    pub(crate) file: String,
    pub(crate) strukt: String,
    pub(crate) field: String,
    /// The field's type as slots and layouts key it (`main.Point`).
    pub(crate) type_key: String,
}

impl FieldWithoutDefault {
    /// Why the version is refused. `shown_type` is the field's type as the user wrote it
    /// (the JIT knows it; a library only has the type key), `next_step` what makes the next
    /// version (`save again`, `build again`).
    pub(crate) fn explain(&self, shown_type: &str, next_step: &str) -> String {
        let FieldWithoutDefault {
            file, strukt, field, ..
        } = self;
        // A payload variant's hidden struct (`Enum.Variant`): its values are the variant's.
        if lang_abi::enums::is_hot_variant_struct_name(strukt) {
            let shown_type = lang_abi::enums::type_key_of_field_type(shown_type);
            return format!(
                "payload field `{field}` of variant `{strukt}` ({file}) is new or changed its type, and has no \
                 default: the existing `{strukt}` values need one to be migrated; give it a default \
                 (`{field}: {shown_type} = ...`) and {next_step}"
            );
        }
        format!(
            "field `{field}` of struct `{strukt}` ({file}) is new or changed its type, and has no default: the \
             existing `{strukt}` values need one to be migrated; give it a default (`{field}: {shown_type} = ...`) \
             and {next_step}"
        )
    }
}

/// The pre-check of a migration, made by the producer before it hands a version over: a
/// struct whose fields changed (its layout hash differs from the running descriptor's) is
/// migrated at the swap, so every field that is new, or whose type changed, needs a default
/// to give the existing values. Returns the first field without one.
// Used by both producers: the JIT compiler thread and the library loader.
pub(crate) fn field_without_default(registry: &Registry, modules: &[ModuleUpdate]) -> Option<FieldWithoutDefault> {
    for (module, lang_abi::StructRecord { name, fields, .. }, old) in changed_structs(registry, modules) {
        let old_fields: HashSet<(&str, &str)> = old
            .fields
            .iter()
            .map(|field| (field.name.as_str(), field.ty.as_str()))
            .collect();
        for lang_abi::FieldRecord { name: field, ty } in fields {
            let has_default = module
                .hot
                .defaults
                .iter()
                .any(|default| &default.strukt == name && &default.field == field);
            if !old_fields.contains(&(field.as_str(), ty.as_str())) && !has_default {
                return Some(FieldWithoutDefault {
                    module: module.name.clone(),
                    file: module.display_name.clone(),
                    strukt: name.clone(),
                    field: field.clone(),
                    type_key: ty.clone(),
                });
            }
        }
    }
    None
}

/// The structs of `modules` whose fields changed (their layout hash differs from the running
/// descriptor's), each with its module and the running descriptor, which a migration
/// replaces. A struct new in this version has no descriptor yet and is not listed.
fn changed_structs<'a>(
    registry: &'a Registry,
    modules: &'a [ModuleUpdate],
) -> impl Iterator<Item = (&'a ModuleUpdate, &'a lang_abi::StructRecord, &'static TypeDesc)> + 'a {
    modules.iter().flat_map(move |module| {
        module.hot.structs.iter().filter_map(move |record| {
            let old = registry.desc_cell(&module.name, &record.name).load(Ordering::SeqCst) as *const TypeDesc;
            // SAFETY: descriptors live forever; a null cell is a struct no version had yet.
            let old: &'static TypeDesc = unsafe { old.as_ref() }?;
            (old.layout_hash != record.layout_hash).then_some((module, record, old))
        })
    })
}

/// Whether values of a type (as written; a payload field's `TYPE|KIND`) are references the
/// collector traces.
fn is_reference_type(ty: &str) -> bool {
    let ty = lang_abi::enums::type_key_of_field_type(ty);
    !matches!(ty, "int" | "float" | "bool") && !ty.starts_with("fn(")
}

/// Where a field of the new layout takes its value from, decided once per struct: an old
/// offset, or a default.
enum Source {
    Kept(usize),
    Default(DefaultFunction),
    Zero,
}

/// A struct whose instances all got new payloads, not yet committed.
struct Migration {
    module: String,
    name: String,
    desc: *const TypeDesc,
    fields: Vec<lang_abi::FieldRecord>,
    /// The new payloads, each naming its handle in its owner word.
    payloads: Vec<usize>,
}

/// The struct migration of LANGUAGE.md section 7 item 4. Returns false (after recording the
/// error) when a default failed; then nothing was changed.
/// `migrated` gets, per struct (or payload variant) whose values were migrated, its name and how
/// many: the reload line reports them (LANGUAGE.md section 7 item 8: one line per reload).
pub(super) fn migrate_structs(
    ctx: &mut Context,
    ready: &mut Ready,
    registry: &Registry,
    migrated: &mut Vec<(String, usize)>,
) -> bool {
    let mut migrations = Vec::new();
    // (Instances the collector has not freed yet are migrated too: cheaper than collecting
    // first, which would lengthen the pause.)
    for (module, record, old) in changed_structs(registry, &ready.modules) {
        let lang_abi::StructRecord {
            name,
            layout_hash: hash,
            fields,
        } = record;
        let desc = new_descriptor(ctx, *hash, name, fields, old);
        let sources = field_sources(old, module, name, fields);
        ctx.heap.pause += 1;
        let mut payloads = std::mem::take(&mut ready.migration_scratch);
        let complete = build_payloads(ctx, old, desc, fields.len(), &sources, &mut payloads);
        migrations.push(Migration {
            module: module.name.clone(),
            name: name.clone(),
            desc,
            fields: fields.clone(),
            payloads,
        });
        if !complete {
            // Nothing was swapped: every new payload built so far is garbage.
            for migration in &migrations {
                for &payload in &migration.payloads {
                    // SAFETY: no handle points at the new payloads before the commit.
                    unsafe { ctx.heap.free_object(payload) };
                }
            }
            ctx.heap.pause -= 1;
            return false;
        }
        ctx.heap.pause -= 1;
    }
    for migration in migrations {
        commit(migration, registry, migrated);
    }
    true
}

/// The descriptor of the new layout (of a payload variant's hidden struct, a variant
/// descriptor with the same enum and variant number as the `old` one).
fn new_descriptor(
    ctx: &mut Context,
    hash: u64,
    name: &str,
    fields: &[lang_abi::FieldRecord],
    old: &TypeDesc,
) -> *const TypeDesc {
    use lang_abi::enums::{PayloadField, VariantDescriptor, payload_kind_of_field_type, type_key_of_field_type};
    if lang_abi::enums::is_hot_variant_struct_name(name) {
        let descriptor = VariantDescriptor {
            enum_index: old.enum_index,
            variant_number: old.variant_number,
            name: old.name.clone(),
            hot_layout_hash: Some(hash),
            fields: fields
                .iter()
                .map(|field| PayloadField {
                    name: field.name.clone(),
                    is_reference: is_reference_type(&field.ty),
                    kind: payload_kind_of_field_type(&field.ty),
                    type_key: type_key_of_field_type(&field.ty).to_string(),
                })
                .collect(),
        };
        return lang_runtime_core::abi::variant_descriptor_from_text(&descriptor.render());
    }
    let descriptor = lang_abi::layout::Descriptor {
        name: name.to_string(),
        hot_layout_hash: Some(hash),
        fields: fields
            .iter()
            .map(|field| lang_abi::layout::DescriptorField {
                name: field.name.clone(),
                is_reference: is_reference_type(&field.ty),
                ty: field.ty.clone(),
            })
            .collect(),
    };
    let mut text = descriptor.render();
    text.push('\0');
    lang_rt_struct_desc(ctx, text.as_ptr())
}

/// Where each field of the new layout comes from: the old layout (from the old descriptor)
/// when a field of that name and type was there, else the new version's default, else zero.
fn field_sources(old: &TypeDesc, module: &ModuleUpdate, name: &str, fields: &[lang_abi::FieldRecord]) -> Vec<Source> {
    let old_fields: Vec<(String, String, i64)> = old
        .fields
        .iter()
        .enumerate()
        .map(|(index, field)| {
            (
                field.name.clone(),
                field.ty.clone(),
                HOT_FIELDS_OFFSET as i64 + index as i64 * 8,
            )
        })
        .collect();
    fields
        .iter()
        .map(|lang_abi::FieldRecord { name: field, ty }| {
            if let Some((_, _, offset)) = old_fields
                .iter()
                .find(|(old_field, old_ty, _)| old_field == field && old_ty == ty)
            {
                return Source::Kept(*offset as usize);
            }
            match module
                .hot
                .defaults
                .iter()
                .find(|default| default.strukt == name && &default.field == field)
            {
                // SAFETY: defaults are compiled functions with this ABI.
                Some(default) => {
                    Source::Default(unsafe { std::mem::transmute::<usize, DefaultFunction>(default.function) })
                }
                None => Source::Zero,
            }
        })
        .collect()
}

/// Builds a new payload of descriptor `desc` for every instance of the old descriptor, into
/// `news`, page by page (a default may allocate, adding pages, so the heap is not borrowed
/// across the walk). Each new payload already names its handle; the handles are switched
/// over only at the commit. Returns false when a default failed.
fn build_payloads(
    ctx: &mut Context,
    old: *const TypeDesc,
    desc: *const TypeDesc,
    field_count: usize,
    sources: &[Source],
    news: &mut Vec<usize>,
) -> bool {
    // SAFETY: descriptors live forever.
    let old_size = HOT_FIELDS_OFFSET as usize + unsafe { (*old).fields.len() } * 8;
    let new_size = HOT_FIELDS_OFFSET as usize + field_count * 8;
    let mut run = Run {
        first: 0,
        stride: 0,
        count: 0,
    };
    let mut in_page = Vec::new();
    let pages = ctx.heap.page_count();
    let mut failed = false;
    'pages: for page in 0..=pages {
        in_page.clear();
        if page < pages {
            ctx.heap.instances_in_page(page, old, old_size, &mut in_page);
        } else {
            // Structs too large for a size class are allocated one by one.
            ctx.heap
                .for_each_large_instance(old, &mut |payload| in_page.push(payload as usize));
        }
        for (index, &old_payload) in in_page.iter().enumerate() {
            if run.count == 0 {
                run = ctx.heap.allocate_run(new_size, desc, in_page.len() - index);
            }
            let new_payload = run.first;
            run.first += run.stride;
            run.count -= 1;
            news.push(new_payload);
            // SAFETY: the old payload is a live instance of the old layout, whose owner
            // word names its handle; the new payload has a word per new field.
            unsafe {
                let handle = *((old_payload + PAYLOAD_OWNER_OFFSET as usize) as *const usize);
                *((new_payload + PAYLOAD_OWNER_OFFSET as usize) as *mut usize) = handle;
            }
            for (field_index, source) in sources.iter().enumerate() {
                let word = match source {
                    // SAFETY: the old payload has this field at this offset.
                    Source::Kept(offset) => unsafe { *((old_payload + offset) as *const u64) },
                    Source::Default(function) => {
                        let result = function(ctx);
                        if result.status != 0 {
                            failed = true;
                            break 'pages;
                        }
                        result.word
                    }
                    Source::Zero => 0,
                };
                // SAFETY: the new payload has a word per field.
                unsafe {
                    *((new_payload + HOT_FIELDS_OFFSET as usize + field_index * 8) as *mut u64) = word;
                }
            }
        }
    }
    // Payloads allocated but not needed go back to the heap at once, so that no payload
    // without a handle is ever taken for an instance.
    while run.count > 0 {
        // SAFETY: the object was just allocated and nothing refers to it.
        unsafe { ctx.heap.free_object(run.first) };
        run.first += run.stride;
        run.count -= 1;
    }
    !failed
}

/// Points every handle at its new payload, then the field cells at the new layout.
fn commit(migration: Migration, registry: &Registry, migrated: &mut Vec<(String, usize)>) {
    for &payload in &migration.payloads {
        // SAFETY: payloads and their handles are live objects, and nothing allocates
        // during the commit.
        unsafe {
            let handle = *((payload + PAYLOAD_OWNER_OFFSET as usize) as *const usize);
            *((handle + HANDLE_PAYLOAD_OFFSET as usize) as *mut usize) = payload;
            // A struct that was its own handle becomes a plain handle: its old fields
            // are dead, and the collector must trace only the payload pointer.
            let header = handle as *mut Header;
            (*header).desc = &HANDLE_DESC;
        }
    }
    for (field, ty, cell) in registry.fields_of(&migration.module, &migration.name) {
        let offset = migration
            .fields
            .iter()
            .position(|new| new.name == field && new.ty == ty)
            .map_or(-1i64, |index| HOT_FIELDS_OFFSET as i64 + index as i64 * 8);
        cell.store(offset as u64, Ordering::SeqCst);
    }
    for (index, lang_abi::FieldRecord { name: field, ty }) in migration.fields.iter().enumerate() {
        registry.field(
            &migration.module,
            &migration.name,
            field,
            ty,
            HOT_FIELDS_OFFSET as i64 + index as i64 * 8,
        );
    }
    registry
        .desc_cell(&migration.module, &migration.name)
        .store(migration.desc as u64, Ordering::SeqCst);
    if !migration.payloads.is_empty() {
        migrated.push((migration.name.clone(), migration.payloads.len()));
    }
}

/// Points each struct's descriptor at the newest field defaults, used when old code builds
/// a struct whose layout changed.
pub(super) fn update_struct_defaults(ready: &Ready, registry: &Registry) {
    use lang_runtime_core::object::TypeDesc;
    for module in &ready.modules {
        for lang_abi::StructRecord { name, fields, .. } in &module.hot.structs {
            let desc = registry.desc_cell(&module.name, name).load(Ordering::SeqCst) as *const TypeDesc;
            if desc.is_null() {
                continue;
            }
            // SAFETY: descriptors live forever.
            let desc = unsafe { &*desc };
            for (index, lang_abi::FieldRecord { name: field, .. }) in fields.iter().enumerate() {
                let function = module
                    .hot
                    .defaults
                    .iter()
                    .find(|default| &default.strukt == name && &default.field == field)
                    .map_or(0, |default| default.function);
                if let Some(slot) = desc.defaults.get(index) {
                    slot.store(function, Ordering::SeqCst);
                }
            }
        }
    }
}

/// Has the memory for the new payloads of every struct whose fields changed mapped now, on
/// the compiler thread, so the script thread's pause only fills it in.
/// Returns room for the list of new payloads, touched.
pub(super) fn prepare_migration_memory(ready: &Ready, registry: &Registry) -> Vec<usize> {
    let mut instances = 0;
    for (_, record, old) in changed_structs(registry, &ready.modules) {
        let old_size = HOT_FIELDS_OFFSET as usize + old.fields.len() * 8;
        let new_size = HOT_FIELDS_OFFSET as usize + record.fields.len() * 8;
        instances += lang_runtime_core::heap::prepare_pages(old_size, new_size);
    }
    let mut scratch = vec![1; instances];
    scratch.clear();
    scratch
}
