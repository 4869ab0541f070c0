" Vim syntax file for lang (.ln). Keywords: LANGUAGE.md section 1.
if exists("b:current_syntax")
  finish
endif

syn keyword langKeyword fn let var struct enum match import pub
syn keyword langConditional if else
syn keyword langRepeat while for in break continue
syn keyword langStatement return
syn keyword langOperatorWord and or not
syn keyword langBoolean true false
syn keyword langConstant nil
syn keyword langType int float bool str

syn match langNumber "\<0[xX][0-9A-Fa-f_]\+\>"
syn match langNumber "\<0[bB][01_]\+\>"
syn match langNumber "\<[0-9][0-9_]*\>"
syn match langFloat "\<[0-9][0-9_]*\.[0-9][0-9_]*\([eE][+-]\=[0-9_]\+\)\=\>"
syn match langFloat "\<[0-9][0-9_]*[eE][+-]\=[0-9_]\+\>"
syn match langVariant "\(\w\|)\|]\)\@<!\.[A-Z]\w*"
syn match langFunction "\<\h\w*\ze\s*("

syn match langEscape contained "\\[ntr\\\"{}']"
syn region langInterpolation contained matchgroup=langInterpolationDelimiter start="{" end="}" contains=TOP
syn region langString start=+"+ skip=+\\\\\|\\"+ end=+"+ contains=langEscape,langInterpolation
syn region langRawString start=+\<r\z(#*\)"+ end=+"\z1+
syn match langChar "'\(\\[ntr\\\"{}']\|[^'\\]\)'"

syn keyword langTodo contained TODO FIXME XXX NOTE
syn match langComment "//.*$" contains=langTodo

hi def link langKeyword Keyword
hi def link langConditional Conditional
hi def link langRepeat Repeat
hi def link langStatement Statement
hi def link langOperatorWord Operator
hi def link langBoolean Boolean
hi def link langConstant Constant
hi def link langType Type
hi def link langNumber Number
hi def link langFloat Float
hi def link langVariant Constant
hi def link langFunction Function
hi def link langEscape SpecialChar
hi def link langInterpolationDelimiter Delimiter
hi def link langString String
hi def link langRawString String
hi def link langChar Character
hi def link langTodo Todo
hi def link langComment Comment

let b:current_syntax = "lang"
