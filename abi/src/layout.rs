//! How a struct is described across the compiler/runtime boundary: its *layout text*
//! (`x:float,y:float`, its fields in order with their types) and that text's hash, which
//! identifies a layout under hot reload; and the *descriptor text* from which the runtime
//! builds a struct's type descriptor (`lang_rt_struct_desc`).

use crate::hash::fnv1a;

/// A struct's fields as text (`x:float,y:float`), from (name, type text) pairs in layout
/// order: its layout, part of the key of its descriptor under hot reload.
pub fn layout_text<'a>(fields: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    fields
        .into_iter()
        .map(|(name, ty)| format!("{name}:{ty}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// A stable hash of a layout text, shared by code (which passes the layout it was compiled
/// for) and descriptors.
pub fn layout_hash(layout: &str) -> u64 {
    fnv1a(layout.as_bytes())
}

/// One field of a descriptor text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DescriptorField {
    pub name: String,
    /// The field holds a reference (the collector traces it).
    pub is_reference: bool,
    /// Hot reload: the field's type text, to match fields across layouts ("" otherwise).
    pub ty: String,
}

/// What `lang_rt_struct_desc` is told about a struct, as text:
/// `Name;field:KIND;...` (KIND `r` for a reference, `w` for a plain word) in whole-program
/// modes, `hot:LAYOUT_HASH:Name;field:KIND|TYPE;...` for hot-reload structs, whose fields
/// live in a payload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Descriptor {
    pub name: String,
    /// Hot reload: the layout hash; `None` for a plain struct.
    pub hot_layout_hash: Option<u64>,
    pub fields: Vec<DescriptorField>,
}

impl Descriptor {
    /// The descriptor text (without the NUL that compiled code appends).
    pub fn render(&self) -> String {
        let mut text = match self.hot_layout_hash {
            Some(hash) => format!("hot:{hash}:{}", self.name),
            None => self.name.clone(),
        };
        for field in &self.fields {
            let kind = if field.is_reference { "r" } else { "w" };
            match self.hot_layout_hash {
                Some(_) => text.push_str(&format!(";{}:{kind}|{}", field.name, field.ty)),
                None => text.push_str(&format!(";{}:{kind}", field.name)),
            }
        }
        text
    }

    /// Reads a descriptor text. Never fails: the compiler wrote it, and anything malformed
    /// reads as some descriptor rather than an error.
    pub fn parse(text: &str) -> Descriptor {
        let (hot_layout_hash, text) = match text.strip_prefix("hot:") {
            Some(rest) => match rest.split_once(':') {
                Some((hash, rest)) => (Some(hash.parse::<u64>().unwrap_or(0)), rest),
                None => (Some(0), rest),
            },
            None => (None, text),
        };
        let mut parts = text.split(';');
        let name = parts.next().unwrap_or_default().to_string();
        let fields = parts
            .filter(|part| !part.is_empty())
            .map(|part| {
                // `field:KIND` or, for hot reload, `field:KIND|TYPE`.
                let (field, rest) = part.split_once(':').unwrap_or((part, "w"));
                let (kind, ty) = rest.split_once('|').unwrap_or((rest, ""));
                DescriptorField {
                    name: field.to_string(),
                    is_reference: kind == "r",
                    ty: ty.to_string(),
                }
            })
            .collect();
        Descriptor {
            name,
            hot_layout_hash,
            fields,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptors_read_back() {
        for hot_layout_hash in [None, Some(42)] {
            let descriptor = Descriptor {
                name: "Point".into(),
                hot_layout_hash,
                fields: vec![
                    DescriptorField {
                        name: "x".into(),
                        is_reference: false,
                        ty: if hot_layout_hash.is_some() {
                            "float".into()
                        } else {
                            String::new()
                        },
                    },
                    DescriptorField {
                        name: "label".into(),
                        is_reference: true,
                        ty: if hot_layout_hash.is_some() {
                            "str".into()
                        } else {
                            String::new()
                        },
                    },
                ],
            };
            assert_eq!(Descriptor::parse(&descriptor.render()), descriptor);
        }
        assert_eq!(Descriptor::parse("hot:7:P;x:w|int").render(), "hot:7:P;x:w|int");
        assert_eq!(layout_text([("x", "float"), ("y", "float")]), "x:float,y:float");
    }
}
