"""Render the 北碚区 features of the districts collection through QGIS's
OAPIF provider with the layer's temporal properties on valid_from and
valid_to, once per date of the temporal controller, and print what was
painted, as one JSON object on stdout.

Usage: QT_QPA_PLATFORM=offscreen /usr/bin/python3 -u qgis_temporal.py SPEC.json

SPEC.json: {"url": "http://127.0.0.1:PORT", "extent": [minx, miny, maxx, maxy],
            "dates": ["2025-06-01", ...], "points": {"label": [lon, lat], ...}}

For each date: the number of pure red pixels (the fill colour, no outline)
and, for each point, whether its pixel is red. The Go test
(server/clients_temporal_test.go) decides; this script asserts nothing.
"""
import gc
import json
import os
import sys

from qgis.PyQt.QtCore import QDate, QDateTime, QSize, QTime
from qgis.PyQt.QtGui import QColor
from qgis.core import (QgsApplication, QgsDateTimeRange, QgsFillSymbol,
                       QgsMapRendererSequentialJob, QgsMapSettings,
                       QgsPointXY, QgsRectangle, QgsSingleSymbolRenderer,
                       QgsVectorLayer, QgsVectorLayerTemporalProperties)

SIZE = 400


def render(lyr, extent, date, points):
    s = QgsMapSettings()
    s.setLayers([lyr])
    s.setDestinationCrs(lyr.crs())
    s.setExtent(QgsRectangle(*extent))
    s.setOutputSize(QSize(SIZE, SIZE))
    s.setBackgroundColor(QColor(255, 255, 255))
    s.setFlag(QgsMapSettings.Antialiasing, False)
    y, m, d = (int(x) for x in date.split("-"))
    s.setIsTemporal(True)
    s.setTemporalRange(QgsDateTimeRange(QDateTime(QDate(y, m, d), QTime(0, 0, 0)), QDateTime(QDate(y, m, d), QTime(23, 59, 59))))
    job = QgsMapRendererSequentialJob(s)
    job.start()
    job.waitForFinished()
    img = job.renderedImage()
    red = 0
    mask = []
    for py in range(img.height()):
        for px in range(img.width()):
            c = img.pixelColor(px, py)
            r = c.red() == 255 and c.green() == 0 and c.blue() == 0
            red += r
            mask.append(r)
    m2p = s.mapToPixel()
    samples = {}
    for label, (lon, lat) in points.items():
        p = m2p.transform(QgsPointXY(lon, lat))
        c = img.pixelColor(int(p.x()), int(p.y()))
        samples[label] = c.red() == 255 and c.green() == 0 and c.blue() == 0
    return {"red": red, "samples": samples}, mask


def main():
    spec = json.load(open(sys.argv[1]))
    app = QgsApplication([], False)
    app.initQgis()
    out = {}
    lyr = QgsVectorLayer("url='%s' typename='districts'" % spec["url"], "districts", "OAPIF")
    try:
        out["valid"] = lyr.isValid()
        if lyr.isValid():
            out["subset"] = bool(lyr.setSubsetString("\"name\" = '北碚区'"))
            out["names"] = [str(f["name"]) for f in lyr.getFeatures()]
            sym = QgsFillSymbol.createSimple({"color": "255,0,0,255", "outline_style": "no"})
            lyr.setRenderer(QgsSingleSymbolRenderer(sym))
            tp = lyr.temporalProperties()
            tp.setIsActive(True)
            tp.setMode(QgsVectorLayerTemporalProperties.ModeFeatureDateTimeStartAndEndFromFields)
            tp.setStartField("valid_from")
            tp.setEndField("valid_to")
            out["renders"] = {}
            masks = []
            for date in spec["dates"]:
                r, mask = render(lyr, spec["extent"], date, spec["points"])
                out["renders"][date] = r
                masks.append(mask)
            out["differing"] = sum(1 for a, b in zip(masks[0], masks[-1]) if a != b)
    finally:
        del lyr
    gc.collect()
    print(json.dumps(out, ensure_ascii=False))
    sys.stdout.flush()
    app.exitQgis()
    os._exit(0)


if __name__ == "__main__":
    main()
