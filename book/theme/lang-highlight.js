// highlight.js support for lang, so the book's ```ln blocks are highlighted. mdBook's own
// book.js has already highlighted every block by the time this runs (it is an
// additional-js of book.toml), so this registers the language and highlights the ```ln
// blocks again with it. Keywords: LANGUAGE.md section 1.
(function () {
  "use strict";
  if (typeof hljs === "undefined") {
    return;
  }
  function lang(hljs) {
    const IDENTIFIER = "[A-Za-z_][A-Za-z0-9_]*";
    const INTERPOLATION = {
      className: "subst",
      begin: /\{/,
      end: /\}/,
      keywords: null, // filled in below: the same keywords as the language
      contains: [],
    };
    const STRING = {
      className: "string",
      begin: /"/,
      end: /"/,
      contains: [{ className: "char.escape", begin: /\\[ntr\\"{}]/ }, INTERPOLATION],
    };
    const RAW_STRING = {
      className: "string",
      variants: [{ begin: /r"/, end: /"/ }, { begin: /r#"/, end: /"#/ }, { begin: /r##"/, end: /"##/ }],
    };
    const CHAR = { className: "string", begin: /'(\\[ntr\\"'{}]|[^'\\])'/ };
    const NUMBER = {
      className: "number",
      variants: [
        { begin: /\b0[xX][0-9A-Fa-f_]+/ },
        { begin: /\b0[bB][01_]+/ },
        { begin: /\b[0-9][0-9_]*(\.[0-9][0-9_]*)?([eE][+-]?[0-9_]+)?/ },
      ],
      relevance: 0,
    };
    const KEYWORDS = {
      keyword:
        "fn let var struct enum match import pub if else while for in break continue return and or not",
      literal: "true false nil",
      type: "int float bool str",
    };
    INTERPOLATION.keywords = KEYWORDS;
    INTERPOLATION.contains = [STRING, CHAR, NUMBER];
    return {
      name: "lang",
      aliases: ["ln"],
      keywords: KEYWORDS,
      contains: [
        hljs.C_LINE_COMMENT_MODE,
        RAW_STRING,
        STRING,
        CHAR,
        NUMBER,
        { className: "title.function", begin: "\\bfn\\s+" + IDENTIFIER, returnBegin: true, contains: [
          { className: "keyword", begin: /\bfn\b/ },
          { className: "title.function", begin: IDENTIFIER },
        ] },
        { className: "title.class", begin: "\\b(?:struct|enum)\\s+" + IDENTIFIER, returnBegin: true, contains: [
          { className: "keyword", begin: /\b(?:struct|enum)\b/ },
          { className: "title.class", begin: IDENTIFIER },
        ] },
        { className: "symbol", begin: /(?<![A-Za-z0-9_)\]])\.[A-Z][A-Za-z0-9_]*/, relevance: 0 },
      ],
    };
  }
  hljs.registerLanguage("lang", lang);
  const blocks = document.querySelectorAll("code.language-ln, code.language-lang");
  blocks.forEach(function (block) {
    block.textContent = block.textContent;
    block.classList.remove("hljs");
    if (typeof hljs.highlightElement === "function") {
      block.classList.add("language-lang");
      hljs.highlightElement(block);
    } else {
      block.className = block.className.replace(/\blanguage-ln\b/, "language-lang");
      hljs.highlightBlock(block);
    }
    block.classList.add("hljs");
  });
})();
