"""Open a QGIS project and print what QGIS made of it, as one JSON object
on stdout: each layer's validity, feature count, renderer, categories,
labels and temporal properties, and the project's time range.

Usage: QT_QPA_PLATFORM=offscreen /usr/bin/python3 -u qgis_project.py PROJECT.qgz [RESAVED.qgz]

With RESAVED, the project is then saved there, as a user would with
Project > Save As, and opened again: "resaved" counts its valid layers.

The Go test (server/download_test.go) decides; this script asserts nothing.
"""
import gc
import json
import os
import sys

from qgis.core import QgsApplication, QgsProject


def main():
    app = QgsApplication([], False)
    app.initQgis()
    p = QgsProject.instance()
    out = {"read": p.read(sys.argv[1]), "layers": []}
    for lyr in p.mapLayers().values():
        r = lyr.renderer()
        tp = lyr.temporalProperties()
        out["layers"].append({
            "table": lyr.source().split("layername=")[-1],
            "source": lyr.source(),
            "valid": lyr.isValid(),
            "featureCount": lyr.featureCount(),
            "renderer": r.type() if r else "",
            "categories": [c.value() for c in r.categories()] if r and r.type() == "categorizedSymbol" else [],
            "labels": lyr.labelsEnabled(),
            "temporal": tp.isActive(),
            "startField": tp.startField(),
            "endField": tp.endField(),
            "rights": list(lyr.metadata().rights()),
        })
    rng = p.timeSettings().temporalRange()
    out["timeRange"] = [rng.begin().toString("yyyy-MM-dd"), rng.end().toString("yyyy-MM-dd")]
    attached = [f for f in p.attachedFiles() if f.endswith(".gpkg")]
    out["attached"] = attached[0] if len(attached) == 1 else ""
    if len(sys.argv) > 2:
        out["saved"] = p.write(sys.argv[2])
        p.clear()
        p.read(sys.argv[2])
        out["resaved"] = sum(1 for lyr in p.mapLayers().values() if lyr.isValid() and lyr.featureCount() > 0)
    p.clear()
    gc.collect()
    print(json.dumps(out, ensure_ascii=False))
    sys.stdout.flush()
    app.exitQgis()
    os._exit(0)


if __name__ == "__main__":
    main()
