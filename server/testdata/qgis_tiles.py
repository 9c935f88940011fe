"""Load the vector tiles of a beibeimap server in QGIS with the server's
MapLibre style, render an extent, and print what QGIS saw as one JSON
object on stdout.

Usage: QT_QPA_PLATFORM=offscreen /usr/bin/python3 -u qgis_tiles.py URL MINX MINY MAXX MAXY [MBTILES]

With MBTILES (a file written by `beibeimap tiles export`), the tiles come
from that file instead of URL/tiles, and the style from URL/tiles/style.json
converted with QgsMapBoxGlStyleConverter (the mbtiles provider of QGIS 3.22
takes no styleUrl).

The extent is in EPSG:3857 metres. Besides the whole map it renders each
polygon layer's fill style alone (the style QGIS converted from the
layer's "-fill" MapLibre layer) and counts the pixels it paints, so a layer
whose polygons QGIS drops shows as zero even when other layers paint. The Go test (server/tiles_test.go)
checks the observations and the server's request log; this script asserts
nothing itself.
"""
import json
import sys
import urllib.request

from qgis.core import (QgsApplication, QgsCoordinateReferenceSystem,
                       QgsMapBoxGlStyleConverter,
                       QgsMapRendererSequentialJob, QgsMapSettings,
                       QgsRectangle, QgsVectorTileLayer)
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor


FILLED = ["districts", "townships", "planning-zones"]


def render(lyr, extent):
    ms = QgsMapSettings()
    ms.setLayers([lyr])
    ms.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:3857"))
    ms.setExtent(QgsRectangle(*extent))
    ms.setOutputSize(QSize(256, 256))
    ms.setBackgroundColor(QColor(255, 255, 255))
    job = QgsMapRendererSequentialJob(ms)
    job.start()
    job.waitForFinished()
    return job.renderedImage()


def painted(img, step):
    white = QColor(255, 255, 255).rgb()
    return sum(1 for x in range(0, 256, step) for y in range(0, 256, step) if img.pixel(x, y) != white)


def observe(url, extent, mbtiles=None):
    out = {}
    if mbtiles:
        lyr = QgsVectorTileLayer("type=mbtiles&url=%s" % mbtiles, "beibeimap")
    else:
        lyr = QgsVectorTileLayer(
            "type=xyz&url=%s/tiles/{z}/{x}/{y}.mvt&zmin=0&zmax=14&styleUrl=%s/tiles/style.json" % (url, url),
            "beibeimap")
    try:
        out["valid"] = lyr.isValid()
        if not lyr.isValid():
            return out
        if mbtiles:
            with urllib.request.urlopen(url + "/tiles/style.json") as r:
                style = json.load(r)
            conv = QgsMapBoxGlStyleConverter()
            ok = conv.convert(style) == QgsMapBoxGlStyleConverter.Success
            if ok:
                lyr.setRenderer(conv.renderer())
                if conv.labeling():
                    lyr.setLabeling(conv.labeling())
        else:
            _, ok = lyr.loadDefaultStyle()
        out["styleLoaded"] = bool(ok)
        out["styles"] = sorted({s.layerName() for s in lyr.renderer().styles()})
        lab = lyr.labeling()
        out["labels"] = sorted({s.layerName() for s in lab.styles()}) if lab is not None else []
        out["paintedPixels"] = painted(render(lyr, extent), 4)
        full = lyr.renderer().clone()
        out["fillPixels"] = {}
        for name in FILLED:
            r = full.clone()
            styles = r.styles()
            for st in styles:
                st.setEnabled(st.styleName() == name + "-fill")
            r.setStyles(styles)
            lyr.setRenderer(r)
            out["fillPixels"][name] = painted(render(lyr, extent), 1)
        lyr.setRenderer(full)
    finally:
        del lyr
    return out


def main():
    app = QgsApplication([], False)
    app.initQgis()
    try:
        res = observe(sys.argv[1], [float(v) for v in sys.argv[2:6]], sys.argv[6] if len(sys.argv) > 6 else None)
    finally:
        app.exitQgis()
    print(json.dumps(res))


if __name__ == "__main__":
    main()
