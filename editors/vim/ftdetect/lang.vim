" lang: .ln files
autocmd BufRead,BufNewFile *.ln setfiletype lang
