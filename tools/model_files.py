"""Writing generated test files, or checking that the committed ones are current.

Shared by the tools/gen_models_*.py generators.
"""
import os


def write_or_check(out_dir, files, check, remove_extra=False):
    """Writes `files` ({name: bytes}) into out_dir, or with check=True only
    compares them with what is there. Returns the stale paths (check mode).
    With remove_extra, a file in out_dir the generator does not write is
    removed (write mode) or reported as stale (check mode)."""
    stale = []
    for name, data in sorted(files.items()):
        path = os.path.join(out_dir, name)
        if check:
            try:
                with open(path, "rb") as f:
                    same = f.read() == data
            except FileNotFoundError:
                same = False
            if not same:
                stale.append(os.path.relpath(path))
            continue
        os.makedirs(out_dir, exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
    if remove_extra and os.path.isdir(out_dir):
        for name in sorted(os.listdir(out_dir)):
            if name in files:
                continue
            if check:
                stale.append(os.path.relpath(os.path.join(out_dir, name)) + " (not written by the generator)")
            else:
                os.remove(os.path.join(out_dir, name))
    return stale
