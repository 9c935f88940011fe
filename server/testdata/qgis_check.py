"""Load every collection of an OGC API - Features server as a QGIS OAPIF
layer and print what QGIS saw, as one JSON object on stdout.

Usage: QT_QPA_PLATFORM=offscreen /usr/bin/python3 -u qgis_check.py SPEC.json

SPEC.json: {"url": "http://127.0.0.1:PORT",
            "layers": [{"collection": "districts", "pageSize": 7,
                        "filter": "\"name_en\" = 'Beibei'",
                        "local3857": true}, ...]}

The Go test (server/clients_test.go) compares the observations with what
the server itself answers; this script asserts nothing itself.
"""
import gc
import json
import os
import sys

from qgis.core import (QgsApplication, QgsCoordinateReferenceSystem,
                       QgsCoordinateTransform, QgsFeatureRequest, QgsProject,
                       QgsVectorLayer)


def uri(url, coll, page_size=None, srs=None):
    u = "url='%s' typename='%s'" % (url, coll)
    if page_size:
        u += " pageSize='%d'" % page_size
    if srs:
        u += " srsname='%s'" % srs
    return u


def vertices(geom):
    return [(p.x(), p.y()) for p in geom.vertices()]


def observe(spec):
    """Returns the observations; every layer is gone when it returns."""
    out = {"layers": []}
    layers = []
    try:
        for l in spec["layers"]:
            coll = l["collection"]
            obs = {"collection": coll}
            lyr = QgsVectorLayer(uri(spec["url"], coll, l.get("pageSize")), coll, "OAPIF")
            layers.append(lyr)
            obs["valid"] = lyr.isValid()
            if not lyr.isValid():
                out["layers"].append(obs)
                continue
            obs["featureCount"] = lyr.featureCount()
            obs["fields"] = [f.name() for f in lyr.fields()]
            obs["fieldTypes"] = {f.name(): f.typeName() for f in lyr.fields()}
            ids = []
            names = []
            for f in lyr.getFeatures():
                ids.append(f["id"] if "id" in obs["fields"] else f.id())
                if "name" in obs["fields"]:
                    names.append(str(f["name"]))
            obs["names"] = names
            obs["iterated"] = len(ids)
            obs["ids"] = sorted(str(i) for i in ids)
            if l.get("filter"):
                flt = QgsVectorLayer(uri(spec["url"], coll, l.get("pageSize")), coll + "-filtered", "OAPIF")
                layers.append(flt)
                ok = flt.setSubsetString(l["filter"])
                obs["filterAccepted"] = bool(ok)
                obs["filteredIds"] = sorted(str(f["id"]) for f in flt.getFeatures())
            if l.get("local3857"):
                # QGIS 3.22 cannot ask the server for another CRS (its OAPIF
                # provider predates Part 2): reproject locally, and let the
                # Go test compare with the server's crs=EPSG:3857 answer.
                tr = QgsCoordinateTransform(lyr.crs(), QgsCoordinateReferenceSystem("EPSG:3857"), QgsProject.instance())
                local = {}
                for f in lyr.getFeatures():
                    g = f.geometry()
                    g.transform(tr)
                    local[str(f["id"])] = vertices(g)
                obs["local3857"] = local
            out["layers"].append(obs)
    finally:
        layers.clear()
    return out


def main():
    spec = json.load(open(sys.argv[1]))
    app = QgsApplication([], False)
    app.initQgis()
    out = observe(spec)
    gc.collect()
    print(json.dumps(out, ensure_ascii=False))
    sys.stdout.flush()
    app.exitQgis()
    # QGIS 3.22 may still crash while unloading providers at interpreter
    # exit; the observations are printed, so leave without teardown.
    os._exit(0)


if __name__ == "__main__":
    main()
