//! String literals (the program's literal table, and the setup code that interns them),
//! string interpolation with its format specifications, and `a ?? b`.

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{BlockArg, InstBuilder, StackSlotData, StackSlotKind, Value, types};
use cranelift_module::{DataDescription, DataId, Linkage};
use lang_abi::PackedFormat;
use lang_abi::format::{
    FORMAT_ALIGN_CENTER, FORMAT_ALIGN_LEFT, FORMAT_ALIGN_RIGHT, INTERPOLATION_BOOL, INTERPOLATION_FLOAT,
    INTERPOLATION_INT, INTERPOLATION_LAYOUT_WORDS, INTERPOLATION_NO_SPEC, INTERPOLATION_PRECISION_SHIFT,
    INTERPOLATION_STR,
};

use crate::codegen::function::Translator;
use crate::codegen::layout::clif_type;
use crate::codegen::memory::trusted;
use crate::codegen::{CodegenError, ProgramState};
use crate::sema::types::Type;
use crate::source::Span;
use crate::syntax::ast::{self, Expr, FormatAlign, FormatSpec};

/// All string literals' bytes, one after the other, as read-only data.
pub(crate) fn define_literal_bytes(state: &mut ProgramState<'_>) -> Result<DataId, CodegenError> {
    let name = state.unique_name("lang.literal_bytes".into());
    let blob = state.module.declare_data(&name, Linkage::Local, false, false)?;
    let mut description = DataDescription::new();
    let mut bytes = state.literals.concat().into_bytes();
    bytes.push(0);
    description.define(bytes.into_boxed_slice());
    state.module.define_data(blob, &description)?;
    Ok(blob)
}

impl Translator<'_, '_, '_> {
    pub(crate) fn string_literal(&mut self, text: &str) -> Value {
        let index = self.state.literal(text);
        let table = self.state.literal_table;
        let base = self.data_address(table);
        self.builder.ins().load(types::I64, trusted(), base, (index * 8) as i32)
    }

    /// Copies every literal into runtime memory and fills the literal table (run once, before
    /// any code that uses the literals).
    pub(crate) fn intern_literals(&mut self, blob: DataId, literals: &[String]) {
        let ctx = self.ctx;
        let blob_address = self.data_address(blob);
        let table_id = self.state.literal_table;
        let table = self.data_address(table_id);
        let mut offset = 0i64;
        for (index, literal) in literals.iter().enumerate() {
            let address = self.builder.ins().iadd_imm_s(blob_address, offset);
            let len = self.iconst(literal.len() as i64);
            let string = self
                .call_runtime("lang_rt_str_literal", &[ctx, address, len])
                .unwrap_or(len);
            self.builder.ins().store(trusted(), string, table, (index * 8) as i32);
            offset += literal.len() as i64;
        }
    }

    /// An interpolated string: every part evaluated in order, its word stored in a stack
    /// buffer, then one runtime call, `lang_rt_interpolate`, formats them (a number or `bool`
    /// as text, each value with a format specification padded by it) into one new string.
    /// Each piece's kind and spec are constants, in read-only data of this site
    /// (`lang_abi::format`).
    pub(crate) fn interpolation(&mut self, parts: &[ast::StringPart], span: Span) -> Value {
        let pieces = parts
            .iter()
            .filter(|part| !matches!(part, ast::StringPart::Format(..)))
            .count();
        let slot = self.builder.create_sized_stack_slot(StackSlotData::new(
            StackSlotKind::ExplicitSlot,
            (pieces.max(1) * 8) as u32,
            3,
        ));
        let mut layout = Vec::with_capacity(pieces * INTERPOLATION_LAYOUT_WORDS);
        for (position, part) in parts.iter().enumerate() {
            let (control, spec, value) = match part {
                ast::StringPart::Text(text) => (INTERPOLATION_STR, INTERPOLATION_NO_SPEC, self.string_literal(text)),
                ast::StringPart::Expr(inner) => {
                    let spec = match parts.get(position + 1) {
                        Some(ast::StringPart::Format(spec, _)) if !spec.is_plain() => Some(*spec),
                        _ => None,
                    };
                    self.interpolation_piece(inner, spec)
                }
                ast::StringPart::Format(..) => continue,
            };
            let offset = (layout.len() / INTERPOLATION_LAYOUT_WORDS * 8) as i32;
            self.builder.ins().stack_store(types::I64, value, slot, offset);
            layout.extend([control, spec]);
        }
        let layout = match self.interpolation_layout(&layout) {
            Ok(layout) => self.data_address(layout),
            Err(error) => {
                self.bug(error.0);
                self.iconst(0)
            }
        };
        let values = self.builder.ins().stack_addr(types::I64, slot, 0);
        let count = self.iconst(pieces as i64);
        let ctx = self.ctx;
        self.call_runtime_at("lang_rt_interpolate", &[ctx, layout, values, count], span)
            .unwrap_or(values)
    }

    /// The read-only words of an interpolation's layout.
    fn interpolation_layout(&mut self, words: &[i64]) -> Result<DataId, CodegenError> {
        let name = self.state.unique_name("lang.interpolation".into());
        let id = self.state.module.declare_data(&name, Linkage::Local, false, false)?;
        let mut description = DataDescription::new();
        let bytes: Vec<u8> = words.iter().flat_map(|word| word.to_le_bytes()).collect();
        description.define(bytes.into_boxed_slice());
        description.set_align(8);
        self.state.module.define_data(id, &description)?;
        Ok(id)
    }

    /// One interpolated value as a piece of `lang_rt_interpolate`: its kind (with the
    /// precision of a float's spec), its packed spec, and its word.
    fn interpolation_piece(&mut self, inner: &Expr, spec: Option<FormatSpec>) -> (i64, i64, Value) {
        let ty = self.ty(inner);
        let value = self.expr_value(inner);
        let number = matches!(ty, Type::Int | Type::Float);
        let packed = spec.map_or(INTERPOLATION_NO_SPEC, |spec| {
            let align = match spec.align {
                Some(FormatAlign::Left) => FORMAT_ALIGN_LEFT,
                Some(FormatAlign::Right) => FORMAT_ALIGN_RIGHT,
                Some(FormatAlign::Center) => FORMAT_ALIGN_CENTER,
                None if number => FORMAT_ALIGN_RIGHT,
                None => FORMAT_ALIGN_LEFT,
            };
            PackedFormat {
                width: spec.width,
                fill: spec.fill,
                align,
                // On `str`, `bool` and enums the zero flag is ignored (section 11).
                zero: spec.zero && number,
            }
            .pack()
        });
        let kind = match ty {
            Type::Int => INTERPOLATION_INT,
            Type::Float => {
                let precision = spec
                    .and_then(|spec| spec.precision)
                    .map_or(0, |precision| i64::from(precision) + 1);
                INTERPOLATION_FLOAT | precision << INTERPOLATION_PRECISION_SHIFT
            }
            Type::Bool => INTERPOLATION_BOOL,
            _ => {
                let string = self.string_of(value, &ty, inner.span);
                return (INTERPOLATION_STR, packed, string);
            }
        };
        let word = self.word_of(value, &ty);
        (kind, packed, word)
    }

    /// `a ?? b`: the value inside `a`, or `b` (evaluated only then) when `a` is nil. The
    /// result is `T` when `b` is a `T`, or the optional itself when `b` is a `?T`.
    pub(crate) fn coalesce(&mut self, expr: &Expr, lhs: &Expr, rhs: &Expr) -> Value {
        let result_type = self.ty(expr);
        let inner = match self.ty(lhs) {
            Type::Optional(inner) => *inner,
            _ => Type::Error,
        };
        let optional = self.expr_value(lhs);
        let present = self.builder.create_block();
        let absent = self.builder.create_block();
        let merge = self.builder.create_block();
        let result = self
            .builder
            .append_block_param(merge, clif_type(&result_type).unwrap_or(types::I64));
        let is_nil = self.builder.ins().icmp_imm_s(IntCC::Equal, optional, 0);
        self.builder.ins().brif(is_nil, absent, &[], present, &[]);

        self.builder.switch_to_block(present);
        self.builder.seal_block(present);
        let value = if matches!(result_type, Type::Optional(_)) {
            optional
        } else {
            self.unbox(optional, &inner)
        };
        self.builder.ins().jump(merge, &[BlockArg::Value(value)]);

        self.builder.switch_to_block(absent);
        self.builder.seal_block(absent);
        let fallback = self.expr_value(rhs);
        self.builder.ins().jump(merge, &[BlockArg::Value(fallback)]);

        self.builder.switch_to_block(merge);
        self.builder.seal_block(merge);
        result
    }
}
