"""Every fenced block in docs/*.md that follows a line `<!-- file: PATH -->` is exactly the file
PATH of the repository: manifests a tutorial shows are the ones the tests run.
   check_doc_manifests.py ROOT"""
import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1])
checked, failures = 0, []
for doc in sorted((root / "docs").glob("*.md")):
    text = doc.read_text()
    for m in re.finditer(r"<!-- file: (\S+) -->\n```[a-z]*\n(.*?)```\n", text, re.S):
        path, block = m.group(1), m.group(2)
        checked += 1
        source = root / path
        if not source.exists():
            failures.append(f"{doc.name}: {path} does not exist")
        elif source.read_text() != block:
            failures.append(f"{doc.name}: the block marked {path} differs from the file")
for f in failures:
    print("ERROR:", f)
print(f"{checked} doc blocks checked, {len(failures)} differ")
sys.exit(1 if failures or checked == 0 else 0)
