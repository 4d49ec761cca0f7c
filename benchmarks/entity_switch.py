"""How well each shipped model reads the entities ``localize`` writes: strict F1 on CoNLL++ test and on its
``python -m corpus conll`` copy for each target country and switch mode, per type, one table.

    python benchmarks/entity_switch.py [--data DIR] [--models fast,accurate] [--source USA] [--seed 0]
                                       [--targets India,Japan,...] [--pool-part held-out] [--switch localize,all]
                                       [--json OUT.json]

``--switch localize`` changes only what ``localize`` replaces (people, places of the source country and of
countries the text does not name, organisations named after them); ``--switch all`` replaces every PER/LOC/ORG,
foreign countries included, as the published entity-switched test sets (Agarwal et al. 2020) do (conll.switch).
"replaced" says how many of the gold PER/LOC/ORG entities that was. Beside F1 per type, each row gives LOC recall
and ORG precision: where a model reading a world of local places fails first (a local place read as a person or an
organisation, a local club read as a place). The replacements come from the held-out part of localize's pools
(``--pool-part``): names that ``python -m training --augment`` never trains on, so an augmented model is audited on
names it has not seen.
seqeval, strict IOB2, as ``python -m training.evaluate``.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from common import benchmark_parser, data_file, print_header  # benchmarks/ is on sys.path

from conll import read_documents, write_documents
from conll.rewrite import rewrite_document
from conll.switch import SWITCH_MODES, switcher
from localize import LocalizeConfig, Localizer
from localize.config import POOL_PARTS
from ner.config import NerError
from ner.model import resolve_location
from training.errors import DataError
from training.evaluate import evaluate_model_dirs

TYPES = ("PER", "LOC", "ORG", "MISC")
TARGETS = "India,Japan,Brazil,Germany,Nigeria,Vietnam,Indonesia,Mexico,China,Egypt,Russia"


def switched_copy(
    test: Path, target: str, source: str, localizer: Localizer, folder: Path, switch: str = "localize"
) -> float:
    """Write the target's copy of ``test`` as ``folder/test.txt``; returns the share of PER/LOC/ORG replaced."""
    documents, replaced, total = [], 0, 0
    rewriter = switcher(localizer, switch)
    for document in read_documents(test):
        new, records = rewrite_document(document, rewriter, target, source, ("PER", "LOC", "ORG"))
        documents.append(new)
        replaced += sum(r.replacement is not None for r in records if r.entity_group != "MISC")
        total += sum(r.entity_group != "MISC" for r in records)
    folder.mkdir(parents=True, exist_ok=True)
    write_documents(documents, folder / "test.txt")
    return replaced / max(total, 1)


def row(model: str, data: str, switch: str, report: dict, original: dict | None, replaced: str) -> str:
    cells = [f"{100 * report['f1']:.2f}"]
    if original is not None:
        cells[0] += f" ({100 * (report['f1'] - original['f1']):+.2f})"
    cells += [f"{100 * report['per_type'][t]['f1-score']:.2f}" for t in TYPES]
    cells += [f"{100 * report['per_type']['LOC']['recall']:.2f}", f"{100 * report['per_type']['ORG']['precision']:.2f}"]
    return f"| {model} | {data} | {switch} | {replaced} | " + " | ".join(cells) + " |"


def main() -> int:
    try:
        return audit()
    except (OSError, NerError, DataError) as error:  # a model that cannot be loaded: one line
        lines = str(error).strip().splitlines()
        sys.exit(f"entity_switch.py: {lines[0] if lines else type(error).__name__}")


def audit() -> int:
    parser = benchmark_parser(__doc__)
    parser.add_argument("--models", default="fast", help="named models or folders, comma-separated")
    parser.add_argument("--targets", default=TARGETS)
    parser.add_argument("--source", default="USA")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--pool-part", choices=POOL_PARTS, default="held-out", help="of localize's name pools")
    parser.add_argument("--switch", default=",".join(SWITCH_MODES), help="switch modes, comma-separated")
    parser.add_argument("--json", type=Path, help="also write every report here")
    args = parser.parse_args()
    switches = [mode.strip() for mode in args.switch.split(",") if mode.strip()]
    if not switches or set(switches) - set(SWITCH_MODES):
        parser.error(f"--switch takes {', '.join(SWITCH_MODES)}, comma-separated")
    test = data_file(args.data, "test")
    print_header("entity_switch")
    print(f"replacements from the {args.pool_part} part of the pools, seed {args.seed}\n")
    localizer = Localizer.load(config=LocalizeConfig(seed=args.seed, pool_part=args.pool_part))
    models = {name: resolve_location(name) for name in args.models.split(",")}
    print("| model | test set | switch | PER/LOC/ORG replaced | F1 (vs original) | PER | LOC | ORG | MISC "
          "| LOC recall | ORG precision |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    summaries, results = [], {}
    with tempfile.TemporaryDirectory() as scratch:
        copies = {
            (switch, target): switched_copy(
                test, target, args.source, localizer, Path(scratch) / switch / target, switch
            )
            for switch in switches
            for target in args.targets.split(",")
        }
        for name, location in models.items():
            original = evaluate_model_dirs([location], str(args.data), "test")
            results[name] = {"original": original}
            print(row(name, "CoNLL++ test", "-", original, None, "-"), flush=True)
            for switch in switches:
                drops, loc_recall = {}, {}
                for target in args.targets.split(","):
                    share = copies[(switch, target)]
                    report = evaluate_model_dirs([location], str(Path(scratch) / switch / target), "test")
                    results[name][f"{switch}:{target}"] = {**report, "replaced": share}
                    drops[target] = 100 * (original["f1"] - report["f1"])
                    loc_recall[target] = 100 * report["per_type"]["LOC"]["recall"]
                    print(row(name, f"for {target}", switch, report, original, f"{share:.0%}"), flush=True)
                worst, lowest = max(drops, key=drops.get), min(loc_recall, key=loc_recall.get)
                mean = sum(drops.values()) / len(drops)
                summaries.append(
                    f"{name}, switch {switch}: largest drop {drops[worst]:.2f} ({worst}), mean drop {mean:.2f}, "
                    f"lowest LOC recall {loc_recall[lowest]:.2f} ({lowest})"
                )
                if args.json:
                    args.json.write_text(json.dumps(results, indent=1) + "\n")
    print("\n" + "\n".join(summaries))
    return 0


if __name__ == "__main__":
    sys.exit(main())
