//! Typing a pattern of `match`, `if let` or `let ... else` against the type of the value it
//! is matched with (LANGUAGE.md section 9), collecting the names it binds, and lowering it to
//! the match checker's own form (`patterns::Pattern`).

use super::checker::Checker;
use super::patterns::Pattern;
use super::results::{NodeKey, VariantRef};
use super::scope::{Context, ModuleItem};
use super::types::*;
use crate::syntax::ast::{self, PatternKind};

/// The names a pattern binds, with their types, in source order.
pub(super) type Bindings = Vec<(ast::Name, Type)>;

impl Checker<'_> {
    /// Checks `pattern` against a value of type `ty`, adding its names to `bindings`. Returns
    /// the lowered pattern, or `None` when the pattern has an error (already reported): the
    /// match is then not checked for exhaustiveness, which would only repeat the mistake.
    pub(super) fn check_pattern(
        &mut self,
        context: &Context,
        pattern: &ast::Pattern,
        ty: &Type,
        bindings: &mut Bindings,
        in_alternative: bool,
    ) -> Option<Pattern> {
        self.results
            .pattern_types
            .insert(NodeKey::new(context.file, pattern.span), ty);
        // On a `?T` value every pattern but `nil` and `_` is a pattern of the `T` inside that
        // matches only a non-nil value; the match checker wraps it in `Some` itself.
        let value_type = match (ty, &pattern.kind) {
            (_, PatternKind::Nil | PatternKind::Wildcard) => ty.clone(),
            (Type::Optional(inner), _) => (**inner).clone(),
            _ => ty.clone(),
        };
        match &pattern.kind {
            PatternKind::Error => None,
            PatternKind::Wildcard => Some(Pattern::Wildcard),
            PatternKind::Binding(name) => {
                if in_alternative {
                    self.alternative_binds(context.file, name);
                }
                if !in_alternative
                    && let Some((previous, _)) = bindings.iter().find(|(bound, _)| bound.text == name.text)
                {
                    let previous = previous.span;
                    self.duplicate_binding(context.file, name, previous);
                }
                self.record_local(context.file, name.span, &value_type);
                bindings.push((name.clone(), value_type));
                (!in_alternative).then_some(Pattern::Binding)
            }
            PatternKind::Int(value) => {
                self.literal_pattern(context, pattern, &value_type, Type::Int, "an `int` literal")?;
                Some(Pattern::int(*value))
            }
            PatternKind::Str(value) => {
                self.literal_pattern(context, pattern, &value_type, Type::Str, "a `str` literal")?;
                Some(Pattern::string(value))
            }
            PatternKind::Bool(value) => {
                self.literal_pattern(context, pattern, &value_type, Type::Bool, "a `bool` literal")?;
                Some(Pattern::boolean(*value))
            }
            PatternKind::Nil => match ty {
                Type::Optional(_) => Some(Pattern::nil()),
                Type::Error => None,
                other => {
                    self.pattern_type_mismatch(context.file, pattern.span, "`nil`", other);
                    None
                }
            },
            PatternKind::Range { start, end, inclusive } => {
                self.literal_pattern(context, pattern, &value_type, Type::Int, "a range")?;
                let high = if *inclusive { Some(*end) } else { end.checked_sub(1) };
                match high {
                    Some(high) if *start <= high => Some(Pattern::int_range(*start, high)),
                    _ => {
                        self.empty_range(context.file, pattern.span);
                        None
                    }
                }
            }
            PatternKind::Variant {
                enum_name,
                name,
                fields,
            } => self.variant_pattern(
                context,
                pattern,
                enum_name.as_ref(),
                name,
                fields.as_deref(),
                &value_type,
                bindings,
                in_alternative,
            ),
            PatternKind::Or(alternatives) => {
                let mut lowered = Vec::new();
                let mut valid = true;
                for alternative in alternatives {
                    match self.check_pattern(context, alternative, ty, bindings, true) {
                        Some(pattern) => lowered.push(pattern),
                        None => valid = false,
                    }
                }
                valid.then(|| Pattern::or(lowered))
            }
        }
    }

    /// Binds the names of a pattern that could not be checked, with no type, so that their uses
    /// report nothing more. Returns `None`, the erroneous pattern's lowering.
    fn bind_unchecked(
        &mut self,
        context: &Context,
        pattern: &ast::Pattern,
        bindings: &mut Bindings,
    ) -> Option<Pattern> {
        for name in pattern.bindings() {
            self.record_local(context.file, name.span, &Type::Error);
            bindings.push((name.clone(), Type::Error));
        }
        None
    }

    /// Checks that a literal or range pattern fits the value's type: `Some(())` when it does.
    fn literal_pattern(
        &mut self,
        context: &Context,
        pattern: &ast::Pattern,
        value_type: &Type,
        literal_type: Type,
        what: &str,
    ) -> Option<()> {
        if *value_type == literal_type {
            return Some(());
        }
        if *value_type != Type::Error {
            self.pattern_type_mismatch(context.file, pattern.span, what, value_type);
        }
        None
    }

    #[allow(clippy::too_many_arguments)]
    fn variant_pattern(
        &mut self,
        context: &Context,
        pattern: &ast::Pattern,
        enum_name: Option<&(Option<ast::Name>, ast::Name)>,
        name: &ast::Name,
        fields: Option<&[ast::Pattern]>,
        value_type: &Type,
        bindings: &mut Bindings,
        in_alternative: bool,
    ) -> Option<Pattern> {
        let id = match value_type {
            Type::Enum(id) => *id,
            Type::Error => return self.bind_unchecked(context, pattern, bindings),
            other => {
                self.pattern_type_mismatch(context.file, pattern.span, "a variant", other);
                return self.bind_unchecked(context, pattern, bindings);
            }
        };
        if let Some((module_name, written)) = enum_name {
            let named = match module_name {
                None => self.scope_item(context.module, &written.text),
                Some(module_name) => {
                    let module = self.imported_module(context.module, module_name)?;
                    self.module_member(context, module, written)
                }
            };
            if named != Some(ModuleItem::Enum(id)) {
                let what = format!("a pattern of `{}`", written.text);
                self.pattern_type_mismatch(context.file, written.span, &what, value_type);
                return self.bind_unchecked(context, pattern, bindings);
            }
        }
        if enum_name.is_none() {
            // Completion after a lone `.` in a pattern reads the enum here, as for a value.
            self.results
                .implicit_member_enums
                .insert(NodeKey::new(context.file, name.span), id);
        }
        let Some(index) = self.items.enum_info(id).variant_index(&name.text) else {
            self.unknown_variant(context.file, id, name);
            return self.bind_unchecked(context, pattern, bindings);
        };
        let variant = self.items.enum_info(id).variants[index].clone();
        self.results.variants.insert(
            NodeKey::new(context.file, pattern.span),
            VariantRef {
                enum_id: id,
                variant: index,
            },
        );
        let subpatterns = match fields {
            None if variant.has_payload => {
                self.payload_count_mismatch(context.file, pattern.span, &variant, 0, true);
                return None;
            }
            None => return Some(Pattern::variant(index, Vec::new())),
            Some([]) if !variant.has_payload => {
                self.empty_payload_parentheses(context.file, pattern.span, &variant.name);
                return None;
            }
            Some(subpatterns) => subpatterns,
        };
        let mut valid = subpatterns.len() == variant.fields.len();
        if !valid {
            self.payload_count_mismatch(context.file, pattern.span, &variant, subpatterns.len(), true);
        }
        let mut lowered = Vec::new();
        for (position, subpattern) in subpatterns.iter().enumerate() {
            let field_type = variant
                .fields
                .get(position)
                .map_or(Type::Error, |field| field.ty.clone());
            match self.check_pattern(context, subpattern, &field_type, bindings, in_alternative) {
                Some(pattern) => lowered.push(pattern),
                None => valid = false,
            }
        }
        valid.then(|| Pattern::variant(index, lowered))
    }
}
