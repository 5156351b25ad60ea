"""JSONL: one object per document, the schema documented in docs/jsonl.md."""
from __future__ import annotations

import json
from typing import Callable, Iterable, Optional, TextIO

from ..link import attestation_key, time_item_id
from ..model import Document


def document_json(document: Document) -> str:
    return json.dumps(document.to_dict(), ensure_ascii=False)


def write_jsonl(documents: Iterable[Document], stream: TextIO) -> int:
    count = 0
    for document in documents:
        stream.write(document_json(document) + "\n")
        count += 1
    return count


def with_cluster_ids(line: str, cluster_of: Callable[[str], Optional[str]]) -> str:
    """A document's line written before linking, each quote's, claim's and time's cluster filled
    in; ``cluster_of`` gives the cluster id of an attestation key ("doc#q3")."""
    data = json.loads(line)
    for item in data["quotes"] + data["claims"]:
        item["cluster"] = cluster_of(attestation_key(data["id"], item["id"]))
    for number, time in enumerate(data["times"], 1):
        time["cluster"] = cluster_of(attestation_key(data["id"], time_item_id(number)))
    return json.dumps(data, ensure_ascii=False) + "\n"
