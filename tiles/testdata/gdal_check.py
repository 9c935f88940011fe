"""Read every tile under a directory (DIR/z/x/y.mvt) with GDAL's MVT driver
and check each decoded polygon with GEOS (OGRGeometry.IsValid), printing
one JSON object on stdout: the counts, every message GDAL emitted while
reading (warnings such as "Nested shells" included) and every invalid
geometry. It asserts nothing itself: the Go test tiles/spec_test.go reads it.

Usage: /usr/bin/python3 -u gdal_check.py DIR
"""
import json
import os
import sys

from osgeo import gdal, ogr


def main():
    root = sys.argv[1]
    gdal.UseExceptions()
    messages = []

    def handler(cls, code, msg):
        messages.append("%s %d: %s" % ({gdal.CE_Warning: "Warning", gdal.CE_Failure: "Failure",
                                         gdal.CE_Fatal: "Fatal"}.get(cls, "Debug"), code, msg))

    files = sorted(os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs if f.endswith(".mvt"))
    out = {"tiles": 0, "features": 0, "polygons": 0, "messages": [], "invalid": []}
    for path in files:
        name = os.path.relpath(path, root)
        out["tiles"] += 1
        del messages[:]
        gdal.PushErrorHandler(handler)
        try:
            ds = ogr.Open(path)
            geoms = []
            for lyr in ds:
                for f in lyr:
                    g = f.GetGeometryRef()
                    geoms.append((lyr.GetName(), f.GetFID(), f.GetField("id") if f.GetFieldIndex("id") >= 0 else None,
                                  g.Clone() if g is not None else None))
            ds = None
        except Exception as e:  # a tile GDAL cannot read is a finding, not a crash
            messages.append("Exception: %s" % e)
            geoms = []
        finally:
            gdal.PopErrorHandler()
        out["messages"] += ["%s: %s" % (name, m) for m in messages if not m.startswith("Debug")]
        for layer, fid, sid, g in geoms:
            out["features"] += 1
            if g is None:
                out["invalid"].append("%s %s %s (%s): no geometry" % (name, layer, fid, sid))
                continue
            if ogr.GT_Flatten(g.GetGeometryType()) not in (ogr.wkbPolygon, ogr.wkbMultiPolygon):
                continue
            out["polygons"] += 1
            del messages[:]
            gdal.PushErrorHandler(handler)
            try:
                ok = g.IsValid()
            finally:
                gdal.PopErrorHandler()
            if not ok:
                out["invalid"].append("%s %s %s (%s): %s %s" % (name, layer, fid, sid, g.GetGeometryName(),
                                                                "; ".join(messages)))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
