import sys
sys.path.insert(0, ".")
from pathlib import Path
from benchmarks.corpus import CORPUS, check_file
from tests.corpus_keys import read_keys
keys = read_keys(CORPUS / "KEYS.md")
for fk in keys.files:
    if sys.argv[1:] and not any(a in fk.file for a in sys.argv[1:]):
        continue
    r = check_file(fk, CORPUS)
    for s in r.scores:
        print(f"{fk.file[:14]:14} {s.row.label:10} {s.row.verdict:9} {s.outcome:12} {s.row.claim[:70]}")
