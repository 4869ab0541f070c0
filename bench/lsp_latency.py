#!/usr/bin/env python3
"""Language-server latency on a large program (issue 21 item 2): `lang lsp` over stdio.

    python3 bench/lsp_latency.py [FOLDER]

Generates (unless FOLDER already holds one) a program with bench/gen_check_program.py
(LINES=100000 lines in MODULES=50 modules), starts `lang lsp`, opens `main.ln` and the middle
module, and measures, from the moment a message is written to the server's stdin to the
moment its answer is read from its stdout:

- first check: didOpen of both files until the diagnostics of the middle module arrive;
- per edit (EDITS=10 body edits of the middle module: a `print(K)` line inserted at the top
  of one of its functions, the whole text sent in didChange):
    diagnostics  didChange until the diagnostics of that version arrive (this includes the
                 server's debounce, 120 ms, during which it waits for more typing)
    hover        over a local variable of the middle module, sent right after didChange (so
                 it is the request that pays for the check of the new text)
    hover again  the same request once more (answered from the last analysis)
    definition   of the same name
    completion   after `NAME.` where NAME is an array (`xs.len()` in the text)
    references   of the same local

Prints p50 and max of each. Environment: LANG_BIN (default: the release build of this tree,
built if missing), LINES, MODULES, EDITS. Only the Python standard library is used.
"""

import json
import os
import re
import statistics
import subprocess
import sys
import threading
import time
import queue

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def lang_binary():
    if os.environ.get("LANG_BIN"):
        return os.environ["LANG_BIN"]
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    binary = os.path.join(target, "release", "lang")
    if not os.path.exists(binary):
        subprocess.run(["cargo", "build", "--release", "-p", "lang"], cwd=ROOT, check=True)
    return binary


class Server:
    def __init__(self, binary, folder):
        self.process = subprocess.Popen([binary, "lsp"], cwd=folder, stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.messages = queue.Queue()
        self.next_id = 0
        threading.Thread(target=self.read, daemon=True).start()

    def read(self):
        stream = self.process.stdout
        while True:
            length = None
            while True:
                line = stream.readline()
                if not line:
                    self.messages.put(None)
                    return
                line = line.strip()
                if not line:
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            body = stream.read(length)
            self.messages.put((time.monotonic(), json.loads(body)))

    def send(self, message):
        body = json.dumps(message).encode()
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()
        return time.monotonic()

    def notify(self, method, params):
        return self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method, params):
        self.next_id += 1
        sent = self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        return self.next_id, sent

    def wait(self, accept, deadline=120):
        limit = time.monotonic() + deadline
        while True:
            left = limit - time.monotonic()
            if left <= 0:
                raise TimeoutError("no answer from lang lsp")
            item = self.messages.get(timeout=left)
            if item is None:
                raise RuntimeError("lang lsp exited")
            at, message = item
            if accept(message):
                return at, message

    def call(self, method, params):
        ident, sent = self.request(method, params)
        at, message = self.wait(lambda message: message.get("id") == ident)
        if "error" in message:
            raise RuntimeError("%s failed: %s" % (method, message["error"]))
        return at - sent, message.get("result")


def uri(path):
    return "file://" + os.path.abspath(path)


def position_of(text, offset):
    line = text.count("\n", 0, offset)
    column = offset - (text.rfind("\n", 0, offset) + 1)
    return {"line": line, "character": column}


def targets(text):
    """Offsets of a local array name used as `NAME.len()` (hover, definition, references) and
    of the character after its dot (completion)."""
    found = re.search(r"\b([a-z_][a-z0-9_]*)\.len\(\)", text)
    if not found:
        raise SystemExit("the middle module has no `NAME.len()` to ask about")
    return found.start(1), found.start(1) + len(found.group(1)) + 1


def edited(text, value):
    """`text` with `print(value)` as the first statement of the first function with a body."""
    found = re.search(r"^pub fn [^\n]*\{\n", text, re.MULTILINE)
    return text[: found.end()] + "    print(%d)\n" % value + text[found.end():]


def summary(values):
    values = sorted(values)
    return "p50 %6.1f ms   max %6.1f ms" % (statistics.median(values) * 1000, values[-1] * 1000)


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else "/tmp/lang-lsp-latency"
    lines = int(os.environ.get("LINES", "100000"))
    modules = int(os.environ.get("MODULES", "50"))
    edits = int(os.environ.get("EDITS", "10"))
    if not os.path.exists(os.path.join(folder, "main.ln")):
        subprocess.run([sys.executable, os.path.join(HERE, "gen_check_program.py"), folder,
                        "--lines", str(lines), "--modules", str(modules)], check=True,
                       stdout=subprocess.DEVNULL)
    width = max(2, len(str(modules - 1)))
    middle = os.path.join(folder, "mod_%0*d.ln" % (width, modules // 2))
    main_file = os.path.join(folder, "main.ln")
    original = open(middle).read()
    server = Server(lang_binary(), folder)
    server.call("initialize", {"processId": None, "rootUri": uri(folder), "capabilities": {}})
    server.notify("initialized", {})

    def diagnostics_of(path, version):
        def accept(message):
            params = message.get("params") or {}
            return (message.get("method") == "textDocument/publishDiagnostics"
                    and params.get("uri") == uri(path)
                    and (version is None or params.get("version") == version))
        return accept

    sent = server.notify("textDocument/didOpen", {"textDocument": {
        "uri": uri(main_file), "languageId": "lang", "version": 1, "text": open(main_file).read()}})
    server.notify("textDocument/didOpen", {"textDocument": {
        "uri": uri(middle), "languageId": "lang", "version": 1, "text": original}})
    at, message = server.wait(diagnostics_of(middle, 1))
    first_check = at - sent
    errors = [d for d in message["params"]["diagnostics"] if d.get("severity") == 1]
    if errors:
        raise SystemExit("the generated program has errors: %s" % errors[:3])

    figures = {name: [] for name in
               ["diagnostics", "hover", "hover again", "definition", "completion", "references"]}
    document = {"uri": uri(middle)}
    for edit in range(1, edits + 1):
        text = edited(original, edit)
        name_offset, dot_offset = targets(text)
        name_position = position_of(text, name_offset)
        version = edit + 1
        sent = server.notify("textDocument/didChange", {
            "textDocument": {"uri": uri(middle), "version": version},
            "contentChanges": [{"text": text}]})
        at_position = {"textDocument": document, "position": name_position}
        elapsed, result = server.call("textDocument/hover", at_position)
        if not result:
            raise SystemExit("hover gave nothing at %s" % name_position)
        figures["hover"].append(elapsed)
        at, _ = server.wait(diagnostics_of(middle, version))
        figures["diagnostics"].append(at - sent)
        figures["hover again"].append(server.call("textDocument/hover", at_position)[0])
        elapsed, result = server.call("textDocument/definition", at_position)
        if not result:
            raise SystemExit("definition gave nothing")
        figures["definition"].append(elapsed)
        elapsed, result = server.call("textDocument/completion", {
            "textDocument": document, "position": position_of(text, dot_offset)})
        labels = [item["label"] for item in (result or [])]
        if "len" not in labels:
            raise SystemExit("completion after the dot lacks `len`: %s" % labels[:10])
        figures["completion"].append(elapsed)
        elapsed, result = server.call("textDocument/references", {
            "textDocument": document, "position": name_position, "context": {"includeDeclaration": True}})
        figures["references"].append(elapsed)
    server.call("shutdown", None)
    server.notify("exit", None)
    server.process.wait(timeout=10)

    total = sum(1 for line in open(main_file)) + sum(
        sum(1 for _ in open(os.path.join(folder, name)))
        for name in os.listdir(folder) if name.startswith("mod_"))
    print("lang lsp on %d lines in %d modules, %d body edits of %s" % (
        total, modules, edits, os.path.basename(middle)))
    print("  first check (didOpen -> diagnostics)  %6.1f ms" % (first_check * 1000))
    for name, values in figures.items():
        print("  %-38s %s" % (name, summary(values)))


if __name__ == "__main__":
    main()
