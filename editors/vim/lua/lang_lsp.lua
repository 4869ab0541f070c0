-- The `lang` language server (`lang lsp`) in Neovim's built-in LSP client, without plugins.
-- Works with Neovim 0.7 and later (it uses only `vim.lsp.start_client` and
-- `vim.lsp.buf_attach_client`). Put this folder (editors/vim) on 'runtimepath', or copy its
-- ftdetect/, syntax/ and lua/ folders into ~/.config/nvim/, then in init.lua:
--
--   require("lang_lsp").setup()
--   -- or: require("lang_lsp").setup({ cmd = { "/path/to/lang", "lsp" }, on_attach = my_keys })
--
-- One server runs per project (the folder holding `.git`, else the file's folder) and every
-- `.ln` buffer of that project attaches to it.
local M = {}

-- The project folder of `file`: the nearest folder above it holding `.git`, else its own.
local function root_dir(file)
  local folder = vim.fn.fnamemodify(file, ":p:h")
  local git = vim.fn.finddir(".git", folder .. ";")
  if git ~= "" then
    return vim.fn.fnamemodify(git, ":p:h:h")
  end
  return folder
end

function M.setup(options)
  options = options or {}
  local clients = {} -- project folder -> client id
  vim.api.nvim_create_autocmd("FileType", {
    pattern = "lang",
    callback = function(args)
      local root = root_dir(vim.api.nvim_buf_get_name(args.buf))
      local id = clients[root]
      if id == nil or vim.lsp.get_client_by_id(id) == nil then
        id = vim.lsp.start_client({
          name = "lang",
          cmd = options.cmd or { "lang", "lsp" },
          root_dir = root,
          on_attach = options.on_attach,
        })
        clients[root] = id
      end
      if id ~= nil then
        vim.lsp.buf_attach_client(args.buf, id)
      end
    end,
  })
end

return M
