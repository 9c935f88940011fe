"""Edits a township in PostGIS the way GIS staff do, with QGIS.

Usage: python3 qgis_edit_postgis.py PORT FEATURE_ID DX

Opens beibeimap.townships through QGIS's postgres provider, moves feature
FEATURE_ID by DX degrees east in an edit session and commits it. Prints one
JSON line: {"valid", "features", "committed", "committedAt" (Unix seconds), "errors"}.
"""
import json
import sys
import time

from qgis.core import QgsApplication, QgsDataSourceUri, QgsVectorLayer

port, fid, dx = sys.argv[1], sys.argv[2], float(sys.argv[3])
app = QgsApplication([], False)
app.initQgis()
uri = QgsDataSourceUri()
uri.setConnection("127.0.0.1", port, "postgres", "beibeimap", "")
uri.setDataSource("beibeimap", "townships", "geom", "", "id")
layer = QgsVectorLayer(uri.uri(False), "townships", "postgres")
out = {"valid": layer.isValid(), "features": layer.featureCount(), "committed": False, "errors": []}
if layer.isValid():
    feats = [f for f in layer.getFeatures() if f["id"] == fid]
    if len(feats) == 1:
        geom = feats[0].geometry()
        geom.translate(dx, 0)
        layer.startEditing()
        layer.changeGeometry(feats[0].id(), geom)
        out["committed"] = layer.commitChanges()
        out["committedAt"] = time.time()
        out["errors"] = layer.commitErrors()
    else:
        out["errors"] = ["%d features with id %s" % (len(feats), fid)]
print(json.dumps(out))
app.exitQgis()
