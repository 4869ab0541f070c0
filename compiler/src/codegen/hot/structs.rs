//! Structs under hot reload: allocation of a handle and payload for the layout the code was
//! compiled for, and fields reached through offset cells.

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{InstBuilder, Value, types};

use crate::codegen::function::Translator;
use crate::codegen::memory::Region;
use crate::codegen::runtime_abi::{HANDLE_PAYLOAD_OFFSET, RAISE_FIELD_GONE};
use crate::codegen::structs::struct_layout;
use crate::codegen::target::FieldAccess;
use crate::sema::types::StructId;
use crate::source::Span;

impl Translator<'_, '_, '_> {
    /// Allocates struct `id` through `lang_rt_alloc_hot_struct` with the layout hash it was
    /// compiled for, and stores the given field `values` (words) at the offsets their cells
    /// hold now.
    pub(crate) fn allocate_hot_struct(
        &mut self,
        id: StructId,
        desc: Value,
        values: Vec<Option<Value>>,
        span: Span,
    ) -> Value {
        let checked = self.state.checked;
        let hash = lang_abi::layout_hash(&struct_layout(checked, id));
        let object = self.allocate_hot_object(desc, hash, span);
        let info = checked.items.struct_info(id);
        let fields = values
            .into_iter()
            .enumerate()
            .map(|(position, value)| {
                let access = self.state.target.field(checked, id, &info.fields[position].name);
                (value, access, Region::StructField { strukt: id, position })
            })
            .collect();
        self.store_hot_fields(object, fields);
        object
    }

    /// Allocates a hot struct (or a payload variant's hidden struct) of descriptor `desc`
    /// through `lang_rt_alloc_hot_struct` with the layout hash it was compiled for.
    pub(crate) fn allocate_hot_object(&mut self, desc: Value, layout_hash: u64, span: Span) -> Value {
        let ctx = self.ctx;
        let hash = self.iconst(layout_hash as i64);
        self.call_runtime_at("lang_rt_alloc_hot_struct", &[ctx, desc, hash], span)
            .unwrap_or(desc)
    }

    /// Stores field words into a new hot object at the offsets their cells hold now (old
    /// code building an object whose layout changed skips the fields that are gone), each in
    /// the alias region its loads and stores use elsewhere.
    pub(crate) fn store_hot_fields(&mut self, object: Value, values: Vec<(Option<Value>, FieldAccess, Region)>) {
        let payload = self.hot_payload_of(object);
        let cells = self.flags(Region::Cells);
        for (value, access, region) in values {
            let (Some(value), FieldAccess::OffsetCell(cell)) = (value, access) else {
                continue;
            };
            let fields = self.flags(region);
            let cell = self.hot_reference(cell as i64);
            let offset = self.builder.ins().load(types::I64, cells, cell, 0);
            let present = self
                .builder
                .ins()
                .icmp_imm_s(IntCC::SignedGreaterThanOrEqual, offset, 0);
            let store = self.builder.create_block();
            let next = self.builder.create_block();
            self.builder.ins().brif(present, store, &[], next, &[]);
            self.builder.switch_to_block(store);
            self.builder.seal_block(store);
            let address = self.builder.ins().iadd(payload, offset);
            self.builder.ins().store(fields, value, address, 0);
            self.builder.ins().jump(next, &[]);
            self.builder.switch_to_block(next);
            self.builder.seal_block(next);
        }
    }

    /// The payload a handle points at now (a new object is its own handle and payload),
    /// loaded once per straight-line path between calls (see `KnownChecks::payloads`).
    pub(crate) fn hot_payload_of(&mut self, handle: Value) -> Value {
        if let Some(&payload) = self.known_checks().payloads.get(&handle) {
            return payload;
        }
        let handles = self.flags(Region::Handles);
        let payload = self
            .builder
            .ins()
            .load(types::I64, handles, handle, HANDLE_PAYLOAD_OFFSET);
        self.known_checks().payloads.insert(handle, payload);
        payload
    }

    /// The address of a field of `object` (a handle): its payload plus the offset `cell`
    /// holds now (a removed field is a runtime error at `span`). The offset check is made
    /// once per straight-line path between calls (see `KnownChecks`), and the offset of a
    /// cell a loop reads comes from its variable (see `cached_cells.rs`).
    pub(crate) fn hot_field_address(&mut self, object: Value, field: &str, cell: u64, span: Span) -> (Value, i32) {
        // In a fixed-layout loop before its first call: the offset compiled, no test.
        if let Some(offset) = self.fixed_field_offset(cell) {
            let payload = self.hot_payload_of(object);
            return (payload, offset as i32);
        }
        let cell = cell as i64;
        let offset = match self.known_checks().offsets.get(&cell) {
            Some(&offset) => offset,
            None => {
                // Kept in a variable if a loop reads it (`cached_cells.rs`), else loaded here.
                let offset = match self.cached_offset(cell as u64) {
                    Some(offset) => offset,
                    None => {
                        let address = self.hot_reference(cell);
                        let cells = self.flags(Region::Cells);
                        self.builder.ins().load(types::I64, cells, address, 0)
                    }
                };
                let gone = self.builder.ins().icmp_imm_s(IntCC::SignedLessThan, offset, 0);
                self.error_if_named(gone, span, RAISE_FIELD_GONE, field);
                self.known_checks().offsets.insert(cell, offset);
                offset
            }
        };
        let payload = self.hot_payload_of(object);
        (self.builder.ins().iadd(payload, offset), 0)
    }
}
