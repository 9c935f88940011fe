"""Load every table of a GeoPackage as a QGIS layer (the OGR provider) and
print what QGIS saw, as one JSON object on stdout.

Usage: QT_QPA_PLATFORM=offscreen /usr/bin/python3 -u qgis_gpkg.py FILE.gpkg TABLE...

The Go test (server/download_test.go) compares the observations with the
server's data; this script asserts nothing itself.
"""
import gc
import json
import os
import sys

from qgis.core import QgsApplication, QgsVectorLayer


def observe(path, tables):
    out = {"layers": []}
    layers = []
    try:
        for t in tables:
            lyr = QgsVectorLayer("%s|layername=%s" % (path, t), t, "ogr")
            layers.append(lyr)
            obs = {"table": t, "valid": lyr.isValid()}
            if lyr.isValid():
                obs["featureCount"] = lyr.featureCount()
                obs["crs"] = lyr.crs().authid()
                obs["fieldTypes"] = {f.name(): f.typeName() for f in lyr.fields()}
                obs["names"] = [str(f["name"]) for f in lyr.getFeatures()] if "name" in obs["fieldTypes"] else []
                obs["invalidGeometries"] = sum(1 for f in lyr.getFeatures() if f.hasGeometry() and f.geometry().isNull())
            out["layers"].append(obs)
    finally:
        layers.clear()
    return out


def main():
    app = QgsApplication([], False)
    app.initQgis()
    out = observe(sys.argv[1], sys.argv[2:])
    gc.collect()
    print(json.dumps(out, ensure_ascii=False))
    sys.stdout.flush()
    app.exitQgis()
    os._exit(0)


if __name__ == "__main__":
    main()
