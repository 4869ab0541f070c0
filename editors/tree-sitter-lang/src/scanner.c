// Raw strings for the lang grammar: `r"..."`, `r#"..."#`, `r##"..."##`, ... (LANGUAGE.md
// section 11). A raw string ends at the first `"` followed by as many `#` as it opened with,
// which a regular expression cannot count, so this small scanner does it.

#include "tree_sitter/parser.h"

enum TokenType {
  RAW_STRING,
};

void *tree_sitter_lang_external_scanner_create(void) { return NULL; }
void tree_sitter_lang_external_scanner_destroy(void *payload) { (void)payload; }
unsigned tree_sitter_lang_external_scanner_serialize(void *payload, char *buffer) {
  (void)payload;
  (void)buffer;
  return 0;
}
void tree_sitter_lang_external_scanner_deserialize(void *payload, const char *buffer, unsigned length) {
  (void)payload;
  (void)buffer;
  (void)length;
}

bool tree_sitter_lang_external_scanner_scan(void *payload, TSLexer *lexer, const bool *valid_symbols) {
  (void)payload;
  if (!valid_symbols[RAW_STRING]) {
    return false;
  }
  // Where a raw string may start, a newline cannot end a statement, so it is whitespace here.
  while (lexer->lookahead == ' ' || lexer->lookahead == '\t' || lexer->lookahead == '\r' ||
         lexer->lookahead == '\n' || lexer->lookahead == '\f') {
    lexer->advance(lexer, true);
  }
  if (lexer->lookahead != 'r') {
    return false;
  }
  lexer->advance(lexer, false);
  unsigned opening_hashes = 0;
  while (lexer->lookahead == '#') {
    opening_hashes++;
    lexer->advance(lexer, false);
  }
  if (lexer->lookahead != '"') {
    // `r` alone, or `r#` without a quote: an identifier, left to the ordinary lexer.
    return false;
  }
  lexer->advance(lexer, false);
  for (;;) {
    if (lexer->eof(lexer)) {
      return false;
    }
    if (lexer->lookahead == '"') {
      lexer->advance(lexer, false);
      unsigned closing_hashes = 0;
      while (closing_hashes < opening_hashes && lexer->lookahead == '#') {
        closing_hashes++;
        lexer->advance(lexer, false);
      }
      if (closing_hashes == opening_hashes) {
        lexer->result_symbol = RAW_STRING;
        return true;
      }
    } else {
      lexer->advance(lexer, false);
    }
  }
}
