//! Opening a module library safely: the ELF check that keeps a truncated file from the
//! dynamic loader, the private copy that is what gets opened, `dlopen` through libloading
//! (the only user of libloading), and finding a loaded library's code range.

use std::ffi::{CStr, CString};
use std::path::PathBuf;

/// Writes `bytes` into a new folder only this user can open (mkdtemp makes it 0700, with an
/// unpredictable name), opens the copy, and removes it again: the mapping stays, and no other
/// process or user can change what gets loaded.
pub(super) fn open_private_copy(bytes: &[u8], name: &str) -> Result<libloading::os::unix::Library, String> {
    check_elf(bytes)?;
    let temp = std::env::temp_dir().join("lang-hmr-XXXXXX");
    let template = CString::new(temp.as_os_str().as_encoded_bytes()).map_err(|_| "bad temporary folder name")?;
    let mut template = template.into_bytes_with_nul();
    // SAFETY: a NUL-terminated template ending in XXXXXX, which mkdtemp fills in.
    let made = unsafe { libc::mkdtemp(template.as_mut_ptr().cast()) };
    if made.is_null() {
        return Err(format!(
            "cannot create a private temporary folder in {}: {}",
            std::env::temp_dir().display(),
            std::io::Error::last_os_error()
        ));
    }
    // SAFETY: mkdtemp returned the template, still NUL-terminated.
    let folder = PathBuf::from(unsafe { CStr::from_ptr(made) }.to_string_lossy().into_owned());
    let path = folder.join(format!("{name}.so"));
    let result = (|| {
        use std::io::Write;
        use std::os::unix::fs::OpenOptionsExt;
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o700)
            .open(&path)
            .map_err(|error| format!("cannot copy the library: {error}"))?;
        file.write_all(bytes)
            .map_err(|error| format!("cannot copy the library: {error}"))?;
        drop(file);
        // SAFETY: a lang module library has no initialization or termination routines; its
        // code runs only when the session calls it.
        unsafe {
            libloading::os::unix::Library::open(
                Some(&path),
                libloading::os::unix::RTLD_NOW | libloading::os::unix::RTLD_LOCAL,
            )
        }
        .map_err(|error| format!("the dynamic loader refused it: {error}"))
    })();
    let _ = std::fs::remove_file(&path);
    let _ = std::fs::remove_dir(&folder);
    result
}

/// Checks that `bytes` are a 64-bit little-endian ELF shared object whose program headers
/// and segments lie inside the file. The dynamic loader maps segments as the headers say; a
/// truncated file would have it touch pages past the end of the file (SIGBUS), so such a
/// library must never reach it.
fn check_elf(bytes: &[u8]) -> Result<(), String> {
    let bad = |what: &str| Err(format!("not a valid shared library ({what})"));
    let u16_at = |offset: usize| -> Option<u64> {
        Some(u64::from(u16::from_le_bytes(
            bytes.get(offset..offset + 2)?.try_into().ok()?,
        )))
    };
    let u32_at = |offset: usize| -> Option<u64> {
        Some(u64::from(u32::from_le_bytes(
            bytes.get(offset..offset + 4)?.try_into().ok()?,
        )))
    };
    let u64_at =
        |offset: usize| -> Option<u64> { Some(u64::from_le_bytes(bytes.get(offset..offset + 8)?.try_into().ok()?)) };
    if bytes.len() < 64 || &bytes[..4] != b"\x7fELF" || bytes[4] != 2 || bytes[5] != 1 {
        return bad("no 64-bit little-endian ELF header");
    }
    if u16_at(16) != Some(3) {
        return bad("not a shared object");
    }
    let (Some(table), Some(entry_size), Some(count)) = (u64_at(32), u16_at(54), u16_at(56)) else {
        return bad("truncated header");
    };
    let size = bytes.len() as u64;
    let table_end = entry_size
        .checked_mul(count)
        .and_then(|length| length.checked_add(table));
    if entry_size < 56 || count == 0 || table_end.is_none_or(|end| end > size) {
        return bad("program headers outside the file");
    }
    for index in 0..count {
        let header = (table + index * entry_size) as usize;
        let (Some(_kind), Some(offset), Some(file_size)) = (u32_at(header), u64_at(header + 8), u64_at(header + 32))
        else {
            return bad("truncated program header");
        };
        if offset.checked_add(file_size).is_none_or(|end| end > size) {
            return bad("a segment lies past the end of the file: truncated");
        }
    }
    Ok(())
}

/// The range of executable addresses of the loaded object containing `address`.
pub(super) fn code_range(address: usize) -> Option<(usize, usize)> {
    struct Search {
        address: usize,
        found: Option<(usize, usize)>,
    }
    unsafe extern "C" fn visit(
        info: *mut libc::dl_phdr_info,
        _size: libc::size_t,
        data: *mut libc::c_void,
    ) -> libc::c_int {
        // SAFETY: the loader passes a valid info record, and `data` is our `Search`.
        let (info, search) = unsafe { (&*info, &mut *(data as *mut Search)) };
        let base = info.dlpi_addr as usize;
        let mut range: Option<(usize, usize)> = None;
        let mut contains = false;
        for index in 0..info.dlpi_phnum as usize {
            // SAFETY: `dlpi_phdr` has `dlpi_phnum` entries.
            let header = unsafe { &*info.dlpi_phdr.add(index) };
            if header.p_type != libc::PT_LOAD || header.p_flags & libc::PF_X == 0 {
                continue;
            }
            let start = base + header.p_vaddr as usize;
            let end = start + header.p_memsz as usize;
            if (start..end).contains(&search.address) {
                contains = true;
            }
            range = Some(match range {
                Some((low, high)) => (low.min(start), high.max(end)),
                None => (start, end),
            });
        }
        if contains {
            search.found = range;
            return 1;
        }
        0
    }
    let mut search = Search { address, found: None };
    // SAFETY: `visit` only reads the records it is given, for the duration of the call.
    unsafe { libc::dl_iterate_phdr(Some(visit), &mut search as *mut Search as *mut libc::c_void) };
    search.found
}
