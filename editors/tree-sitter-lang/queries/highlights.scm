; Highlighting for lang. Keywords: LANGUAGE.md section 1.
; When several patterns capture a node, the later one wins (as in the tree-sitter CLI and
; Neovim), so the general rules come first.

; Any name not captured more precisely below.
(identifier) @variable

(comment) @comment

[
  "fn"
  "let"
  "var"
  "struct"
  "enum"
  "import"
  "pub"
] @keyword

[
  "if"
  "else"
  "match"
] @keyword.conditional

[
  "while"
  "for"
  "in"
] @keyword.repeat

(break_statement) @keyword.repeat
(continue_statement) @keyword.repeat
"return" @keyword.return

[
  "and"
  "or"
  "not"
] @keyword.operator

(boolean) @boolean
(nil) @constant.builtin
(integer) @number
(float) @number.float
(string) @string
(raw_string) @string
(char) @character
(escape_sequence) @string.escape
(interpolation_start) @punctuation.special
(interpolation_end) @punctuation.special
(format_specification) @string.special

(type_identifier (identifier) @type)
(type_identifier (identifier) @module "." (identifier))
(struct_declaration name: (identifier) @type)
(enum_declaration name: (identifier) @type)
(variant_declaration name: (identifier) @constant)
(variant name: (identifier) @constant)
(variant_pattern name: (identifier) @constant)
(field_declaration name: (identifier) @property)
(field_initializer name: (identifier) @property)
(member name: (identifier) @property)
(function_declaration name: (identifier) @function)
(call function: (identifier) @function.call)
(call function: (member name: (identifier) @function.method.call))
(parameter name: (identifier) @variable.parameter)
(import_declaration module: (identifier) @module)
(wildcard) @variable.builtin

[
  "="
  "+="
  "-="
  "*="
  "/="
  "%="
  "=="
  "!="
  "<"
  "<="
  ">"
  ">="
  "+"
  "-"
  "*"
  "/"
  "%"
  "|"
  "^"
  "&"
  "~"
  "<<"
  ">>"
  "??"
  "!"
  "?"
  ".."
  "..="
  "->"
  "=>"
] @operator

[
  "("
  ")"
  "["
  "]"
  "{"
  "}"
] @punctuation.bracket

[
  ","
  ":"
  ";"
  "."
] @punctuation.delimiter
