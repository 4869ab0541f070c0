//! Enum values (LANGUAGE.md section 9): `E.V`, `E.V(...)`, `m.E.V(...)`, and the implicit
//! `.V` and `.V(...)` whose enum comes from the expected type. Payload arguments are
//! positional; trailing fields with defaults may be left out.

use super::checker::Checker;
use super::enums::expected_enum;
use super::results::{NodeKey, VariantRef};
use super::scope::{Context, ModuleItem};
use super::types::*;
use crate::source::Span;
use crate::syntax::ast::{self, Expr, ExprKind};

impl Checker<'_> {
    /// If `expr` is an enum value (or a call of one), checks it and returns its type; `None`
    /// for every other expression, which the caller checks as usual.
    pub(super) fn check_variant_value(
        &mut self,
        context: &mut Context,
        expr: &Expr,
        expected: Option<&Type>,
    ) -> Option<Type> {
        match &expr.kind {
            ExprKind::Field { object, field } => {
                let id = self.enum_reference(context, object)?;
                Some(self.variant_value(context, id, field, None, expr.span))
            }
            ExprKind::ImplicitMember(name) => Some(self.implicit_variant(context, name, None, expr.span, expected)),
            ExprKind::Call { callee, args } => match &callee.kind {
                ExprKind::Field { object, field } => {
                    let id = self.enum_reference(context, object)?;
                    Some(self.variant_value(context, id, field, Some(args), expr.span))
                }
                ExprKind::ImplicitMember(name) => {
                    Some(self.implicit_variant(context, name, Some(args), expr.span, expected))
                }
                _ => None,
            },
            _ => None,
        }
    }

    /// Whether `expr` is a `.V` or `.V(...)`, whose type only the other side of `==` can give.
    pub(super) fn is_implicit_variant(expr: &Expr) -> bool {
        match &expr.kind {
            ExprKind::ImplicitMember(_) => true,
            ExprKind::Call { callee, .. } => matches!(callee.kind, ExprKind::ImplicitMember(_)),
            ExprKind::Paren(inner) => Self::is_implicit_variant(inner),
            _ => false,
        }
    }

    /// The enum that `expr` names: `E` (not shadowed by a local) or `m.E` of an imported module.
    pub(super) fn enum_reference(&mut self, context: &Context, expr: &Expr) -> Option<EnumId> {
        match &expr.kind {
            ExprKind::Name(name) => {
                if context.lookup(&name.text).is_some() {
                    return None;
                }
                match self.scope_item(context.module, &name.text) {
                    Some(ModuleItem::Enum(id)) => Some(id),
                    _ => None,
                }
            }
            ExprKind::Field { object, field } => {
                let module = self.module_reference(context, object)?;
                let Some(ModuleItem::Enum(id)) = self.scope_item(module, &field.text) else {
                    return None;
                };
                // Reports a private enum; the value is still checked.
                self.module_member(context, module, field);
                Some(id)
            }
            _ => None,
        }
    }

    fn implicit_variant(
        &mut self,
        context: &mut Context,
        name: &ast::Name,
        args: Option<&[Expr]>,
        span: Span,
        expected: Option<&Type>,
    ) -> Type {
        let Some(id) = expected_enum(expected) else {
            self.unknown_implicit_member(context.file, span, &name.text, expected);
            self.check_payload_arguments_only(context, args);
            return Type::Error;
        };
        self.results
            .implicit_member_enums
            .insert(NodeKey::new(context.file, name.span), id);
        self.variant_value(context, id, name, args, span)
    }

    fn check_payload_arguments_only(&mut self, context: &mut Context, args: Option<&[Expr]>) {
        for arg in args.unwrap_or_default() {
            // A function expression's parameters cannot be inferred here, which the error
            // already reported says; no second error for them.
            if let ExprKind::Function(function) = &arg.kind {
                self.closure_parameters_hint = Some(vec![Type::Error; function.params.len()]);
            }
            self.value(context, arg, None);
        }
    }

    /// The variant `name` of the enum `id`, with `args` when written with parentheses.
    fn variant_value(
        &mut self,
        context: &mut Context,
        id: EnumId,
        name: &ast::Name,
        args: Option<&[Expr]>,
        span: Span,
    ) -> Type {
        let Some(index) = self.items.enum_info(id).variant_index(&name.text) else {
            self.unknown_variant(context.file, id, name);
            self.check_payload_arguments_only(context, args);
            return Type::Error;
        };
        let variant = self.items.enum_info(id).variants[index].clone();
        let enum_name = self.items.enum_info(id).name.clone();
        match args {
            None if variant.has_payload => {
                self.variant_not_a_value(context.file, span, &enum_name, &variant);
                return Type::Error;
            }
            None => {}
            Some(args) if !variant.has_payload => {
                if args.is_empty() {
                    self.empty_payload_parentheses(context.file, span, &variant.name);
                } else {
                    self.payload_count_mismatch(context.file, span, &variant, args.len(), false);
                }
                self.check_payload_arguments_only(context, Some(args));
                return Type::Error;
            }
            Some(args) => {
                let count_is_valid = args.len() >= variant.required_fields() && args.len() <= variant.fields.len();
                if !count_is_valid {
                    self.payload_count_mismatch(context.file, span, &variant, args.len(), false);
                }
                for (position, arg) in args.iter().enumerate() {
                    match variant.fields.get(position) {
                        Some(field) => self.check_against(context, arg, &field.ty),
                        None => {
                            self.value(context, arg, None);
                        }
                    }
                }
                if !count_is_valid {
                    return Type::Error;
                }
            }
        }
        self.results.variants.insert(
            NodeKey::new(context.file, span),
            VariantRef {
                enum_id: id,
                variant: index,
            },
        );
        Type::Enum(id)
    }
}
