//! How enums (LANGUAGE.md section 9) are described across the compiler/runtime boundary.
//!
//! An enum value is one word. A variant without payload is an immediate,
//! `(variant_number << 1) | 1`: odd, so never a pointer, and the collector ignores it. A
//! variant with a payload is a heap object laid out like a struct (one word per payload field
//! at `STRUCT_FIELDS_OFFSET + 8 * i`) whose type descriptor holds its variant number at
//! [`VARIANT_NUMBER_OFFSET`]. The runtime learns each enum's variant names from an *enum
//! text* (for printing immediates) and each payload variant's fields from a *variant text*
//! (`lang_rt_variant_desc`), whose payload kinds drive `==` and printing.

/// Where a type descriptor holds the variant number of a payload variant.
pub const VARIANT_NUMBER_OFFSET: i32 = 0;

/// Under hot reload a variant is identified by its module, enum and name: its number is a
/// hash of them (30 bits, so a tag fits an `i32` and an immediate a word), the same in every
/// compiled version and every library, so adding, removing and reordering variants leaves
/// the numbers old code compares against valid. (In `lang run` and release builds numbers
/// are declaration indices, so that a `match` is one jump table.)
pub fn hot_variant_number(module: &str, enum_name: &str, variant: &str) -> i64 {
    (crate::hash::fnv1a(format!("{module}.{enum_name}.{variant}").as_bytes()) & 0x3fff_ffff) as i64
}

/// Under hot reload, the key of an enum in the runtime's registry of variant names: a hash of
/// its module and name (in `lang run` and release builds, its index in the program).
pub fn hot_enum_key(module: &str, enum_name: &str) -> u32 {
    (crate::hash::fnv1a(format!("{module}.{enum_name}").as_bytes()) & 0x7fff_ffff) as u32
}

/// The immediate word of a variant without payload.
pub const fn immediate_variant(number: i64) -> i64 {
    (number << 1) | 1
}

/// How `==` and printing treat one payload field: `i`, `f`, `b`, `s` (int, float, bool,
/// str), `e<ENUM_INDEX>` (an enum), `x` (anything else: by identity, not printable), each
/// optionally prefixed by `?` for an optional.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PayloadKind {
    Int,
    Float,
    Bool,
    Str,
    Enum(u32),
    Identity,
    Optional(Box<PayloadKind>),
}

impl PayloadKind {
    pub fn render(&self) -> String {
        match self {
            PayloadKind::Int => "i".into(),
            PayloadKind::Float => "f".into(),
            PayloadKind::Bool => "b".into(),
            PayloadKind::Str => "s".into(),
            PayloadKind::Enum(index) => format!("e{index}"),
            PayloadKind::Identity => "x".into(),
            PayloadKind::Optional(inner) => format!("?{}", inner.render()),
        }
    }

    pub fn parse(text: &str) -> PayloadKind {
        if let Some(inner) = text.strip_prefix('?') {
            return PayloadKind::Optional(Box::new(PayloadKind::parse(inner)));
        }
        match text {
            "i" => PayloadKind::Int,
            "f" => PayloadKind::Float,
            "b" => PayloadKind::Bool,
            "s" => PayloadKind::Str,
            _ => match text.strip_prefix('e').and_then(|index| index.parse().ok()) {
                Some(index) => PayloadKind::Enum(index),
                None => PayloadKind::Identity,
            },
        }
    }
}

/// Under hot reload a payload variant is migrated as a struct is: it is a hidden struct
/// named `Enum.Variant` (a name no struct can have) in its enum's module, whose descriptor
/// cell, field offset cells, layout hash and defaults are keyed like a struct's.
pub fn hot_variant_struct_name(enum_name: &str, variant: &str) -> String {
    format!("{enum_name}.{variant}")
}

/// Whether a hot struct name (a struct record's, a descriptor cell's) is a payload variant's.
pub fn is_hot_variant_struct_name(name: &str) -> bool {
    name.contains('.')
}

/// The type text of a payload field under hot reload, as its field records, field cells and
/// descriptor hold it: the type as slots key it and the payload kind, `TYPE|KIND`
/// (`int|i`, `main.Mood|e1234`), so that a migration matches fields by name and type and
/// `==` and printing still find each field's kind. (Type texts never contain `|`.)
pub fn hot_payload_field_type(type_key: &str, kind: &PayloadKind) -> String {
    format!("{type_key}|{}", kind.render())
}

/// The payload kind of a descriptor field's type text: `KIND` outside hot reload, `TYPE|KIND`
/// under it.
pub fn payload_kind_of_field_type(ty: &str) -> PayloadKind {
    PayloadKind::parse(ty.rsplit('|').next().unwrap_or_default())
}

/// The type (as slots key it) of a field type text: `TYPE` of `TYPE|KIND`.
pub fn type_key_of_field_type(ty: &str) -> &str {
    ty.split('|').next().unwrap_or_default()
}

/// One payload field of a variant text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PayloadField {
    pub name: String,
    /// The collector traces the field.
    pub is_reference: bool,
    pub kind: PayloadKind,
    /// Hot reload: the field's type as slots key it ("" otherwise).
    pub type_key: String,
}

/// What `lang_rt_variant_desc` is told about a payload variant, as text:
/// `ENUM_INDEX:VARIANT_NUMBER:Name;field:r|KIND;...` (`r` for a reference, `w` for a word);
/// under hot reload `hot:LAYOUT_HASH:ENUM_INDEX:VARIANT_NUMBER:Name;field:r|KIND|TYPE;...`,
/// a payload in a handle like a hot struct's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VariantDescriptor {
    pub enum_index: u32,
    pub variant_number: i64,
    pub name: String,
    /// Hot reload: the layout hash of the variant's hidden struct; `None` for a plain payload.
    pub hot_layout_hash: Option<u64>,
    pub fields: Vec<PayloadField>,
}

impl VariantDescriptor {
    pub fn render(&self) -> String {
        let mut text = match self.hot_layout_hash {
            Some(hash) => format!("hot:{hash}:"),
            None => String::new(),
        };
        text.push_str(&format!("{}:{}:{}", self.enum_index, self.variant_number, self.name));
        for field in &self.fields {
            let reference = if field.is_reference { "r" } else { "w" };
            text.push_str(&format!(";{}:{reference}|{}", field.name, field.kind.render()));
            if self.hot_layout_hash.is_some() {
                text.push_str(&format!("|{}", field.type_key));
            }
        }
        text
    }

    /// The hidden-struct layout text of a hot variant: its fields with their hot type texts.
    pub fn hot_layout_text(&self) -> String {
        let types: Vec<(String, String)> = self
            .fields
            .iter()
            .map(|field| (field.name.clone(), hot_payload_field_type(&field.type_key, &field.kind)))
            .collect();
        crate::layout::layout_text(types.iter().map(|(name, ty)| (name.as_str(), ty.as_str())))
    }

    /// Reads a variant text. Never fails: the compiler wrote it.
    pub fn parse(text: &str) -> VariantDescriptor {
        let (hot_layout_hash, text) = match text.strip_prefix("hot:") {
            Some(rest) => match rest.split_once(':') {
                Some((hash, rest)) => (Some(hash.parse::<u64>().unwrap_or(0)), rest),
                None => (Some(0), rest),
            },
            None => (None, text),
        };
        let mut parts = text.split(';');
        let head = parts.next().unwrap_or_default();
        let mut head_parts = head.splitn(3, ':');
        let enum_index = head_parts.next().and_then(|part| part.parse().ok()).unwrap_or(0);
        let variant_number = head_parts.next().and_then(|part| part.parse().ok()).unwrap_or(0);
        let name = head_parts.next().unwrap_or_default().to_string();
        let fields = parts
            .filter(|part| !part.is_empty())
            .map(|part| {
                let (name, rest) = part.split_once(':').unwrap_or((part, "w|x"));
                let mut pieces = rest.splitn(3, '|');
                let reference = pieces.next().unwrap_or_default();
                let kind = pieces.next().unwrap_or("x");
                let type_key = pieces.next().unwrap_or_default();
                PayloadField {
                    name: name.to_string(),
                    is_reference: reference == "r",
                    kind: PayloadKind::parse(kind),
                    type_key: type_key.to_string(),
                }
            })
            .collect();
        VariantDescriptor {
            enum_index,
            variant_number,
            name,
            hot_layout_hash,
            fields,
        }
    }
}

/// The enum text of `lang_rt_enum_register`: `ENUM_KEY:Name:NUMBER=Variant,...`, every
/// variant of the version being set up with its number (the names values print as; a
/// variant missing from a later registration was removed by a reload).
pub fn enum_text(enum_key: u32, name: &str, variants: &[(i64, &str)]) -> String {
    let variants: Vec<String> = variants
        .iter()
        .map(|(number, name)| format!("{number}={name}"))
        .collect();
    format!("{enum_key}:{name}:{}", variants.join(","))
}

/// Reads an enum text: (key, name, (number, variant name) pairs).
pub fn parse_enum_text(text: &str) -> (u32, String, Vec<(i64, String)>) {
    let mut parts = text.splitn(3, ':');
    let key = parts.next().and_then(|part| part.parse().ok()).unwrap_or(0);
    let name = parts.next().unwrap_or_default().to_string();
    let variants = parts
        .next()
        .unwrap_or_default()
        .split(',')
        .filter_map(|variant| variant.split_once('='))
        .map(|(number, name)| (number.parse().unwrap_or(-1), name.to_string()))
        .collect();
    (key, name, variants)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variant_texts_read_back() {
        for hot in [false, true] {
            let type_key = |key: &str| if hot { key.to_string() } else { String::new() };
            let descriptor = VariantDescriptor {
                enum_index: 3,
                variant_number: 1,
                name: "Rect".into(),
                hot_layout_hash: hot.then_some(42),
                fields: vec![
                    PayloadField {
                        name: "w".into(),
                        is_reference: false,
                        kind: PayloadKind::Float,
                        type_key: type_key("float"),
                    },
                    PayloadField {
                        name: "next".into(),
                        is_reference: true,
                        kind: PayloadKind::Optional(Box::new(PayloadKind::Enum(3))),
                        type_key: type_key("?main.Shape"),
                    },
                ],
            };
            assert_eq!(VariantDescriptor::parse(&descriptor.render()), descriptor);
        }
        assert_eq!(
            hot_payload_field_type("?main.Shape", &PayloadKind::Enum(3)),
            "?main.Shape|e3"
        );
        assert_eq!(
            payload_kind_of_field_type("?main.Shape|?e3"),
            PayloadKind::Optional(Box::new(PayloadKind::Enum(3)))
        );
        assert_eq!(payload_kind_of_field_type("s"), PayloadKind::Str);
        assert_eq!(type_key_of_field_type("[int]|x"), "[int]");
        let text = enum_text(2, "Shape", &[(0, "Circle"), (7, "Empty")]);
        assert_eq!(
            parse_enum_text(&text),
            (2, "Shape".into(), vec![(0, "Circle".into()), (7, "Empty".into())])
        );
        assert_eq!(immediate_variant(2), 5);
        assert!(hot_variant_number("main", "Shape", "Circle") < 1 << 30);
    }
}
