#!/usr/bin/env python3
"""Draws the demo market's pictures as small flat PNG illustrations.

Standard library only (zlib + struct), so anyone can redraw them without installing an imaging
library: `python3 examples/geneva/tools/draw_pictures.py`. Every shape is drawn in a 320x240
design space; avatars reuse the same motifs scaled into a 128x128 badge.
"""
import math
import os
import struct
import zlib

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pictures")


def hexrgb(h):
    h = h.lstrip("#")
    return tuple(int(h[i:i + 2], 16) for i in (0, 2, 4))


class Canvas:
    """An RGB raster with a design-space transform (scale, offset)."""

    def __init__(self, w, h, bg, scale=1.0, ox=0.0, oy=0.0):
        self.w, self.h = w, h
        self.px = bytearray(bytes(hexrgb(bg)) * (w * h))
        self.s, self.ox, self.oy = scale, ox, oy

    def _set_span(self, y, x0, x1, rgb):
        if y < 0 or y >= self.h:
            return
        x0, x1 = max(0, x0), min(self.w - 1, x1)
        if x0 > x1:
            return
        row = y * self.w
        self.px[(row + x0) * 3:(row + x1 + 1) * 3] = bytes(rgb) * (x1 - x0 + 1)

    def _tx(self, x, y):
        return x * self.s + self.ox, y * self.s + self.oy

    def poly(self, pts, color):
        """Fills a polygon (even-odd scanline) given in design space."""
        rgb = hexrgb(color)
        pts = [self._tx(x, y) for x, y in pts]
        ys = [p[1] for p in pts]
        for y in range(max(0, int(min(ys))), min(self.h, int(max(ys)) + 1)):
            cy = y + 0.5
            xs = []
            for i in range(len(pts)):
                (x0, y0), (x1, y1) = pts[i], pts[(i + 1) % len(pts)]
                if (y0 <= cy < y1) or (y1 <= cy < y0):
                    xs.append(x0 + (cy - y0) * (x1 - x0) / (y1 - y0))
            xs.sort()
            for a, b in zip(xs[0::2], xs[1::2]):
                self._set_span(y, int(round(a)), int(round(b)) - 1, rgb)

    def rect(self, x, y, w, h, color):
        self.poly([(x, y), (x + w, y), (x + w, y + h), (x, y + h)], color)

    def ellipse(self, cx, cy, rx, ry, color, a0=0.0, a1=360.0):
        """Fills an ellipse, or a pie slice of it between angles a0..a1 (degrees)."""
        n = 48
        pts = []
        full = (a1 - a0) >= 360
        if not full:
            pts.append((cx, cy))
        for i in range(n + 1):
            a = math.radians(a0 + (a1 - a0) * i / n)
            pts.append((cx + rx * math.cos(a), cy + ry * math.sin(a)))
        self.poly(pts, color)

    def circle(self, cx, cy, r, color):
        self.ellipse(cx, cy, r, r, color)

    def ring(self, cx, cy, r, width, color, bg):
        self.circle(cx, cy, r, color)
        self.circle(cx, cy, r - width, bg)

    def line(self, x0, y0, x1, y1, width, color):
        dx, dy = x1 - x0, y1 - y0
        length = math.hypot(dx, dy) or 1
        nx, ny = -dy / length * width / 2, dx / length * width / 2
        self.poly([(x0 + nx, y0 + ny), (x1 + nx, y1 + ny), (x1 - nx, y1 - ny), (x0 - nx, y0 - ny)], color)

    def png(self):
        raw = b"".join(b"\x00" + bytes(self.px[y * self.w * 3:(y + 1) * self.w * 3]) for y in range(self.h))

        def chunk(kind, data):
            body = kind + data
            return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

        head = struct.pack(">IIBBBBB", self.w, self.h, 8, 2, 0, 0, 0)
        return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", head) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


# --- motifs, each drawn in the 320x240 design space --------------------------------------------

def table(c, color="#d9b48f"):
    c.rect(0, 190, 320, 50, color)


def carrots(c):
    table(c)
    for i, x in enumerate((110, 160, 210)):
        c.poly([(x - 16, 80), (x + 16, 80), (x + 2, 200), (x - 2, 200)], "#ef7d22")
        for k in (-10, 0, 10):
            c.poly([(x + k - 4, 82), (x + k + 4, 82), (x + k * 2, 40 + i * 4)], "#3f9b3a")


def tomatoes(c):
    table(c)
    for x, y, r in ((120, 150, 45), (195, 155, 40), (160, 115, 38)):
        c.circle(x, y, r, "#d8342c")
        c.circle(x - r * 0.35, y - r * 0.35, r * 0.18, "#ee7a6f")
        c.poly([(x - 14, y - r + 2), (x + 14, y - r + 2), (x, y - r - 10)], "#3f8f3a")


def lettuce(c):
    table(c)
    c.circle(160, 140, 70, "#6dbb45")
    for a in range(0, 360, 45):
        r = math.radians(a)
        c.circle(160 + 45 * math.cos(r), 140 + 40 * math.sin(r), 32, "#84cc5a")
    c.circle(160, 140, 30, "#b6e28a")


def potatoes(c):
    table(c)
    for x, y in ((110, 160), (170, 150), (225, 165), (140, 120), (200, 118)):
        c.ellipse(x, y, 36, 26, "#c79a5b")
        c.circle(x - 10, y - 5, 3, "#8a6433")
        c.circle(x + 12, y + 6, 3, "#8a6433")


def leeks(c):
    table(c)
    for x in (120, 160, 200):
        c.rect(x - 12, 110, 24, 85, "#f3f0dc")
        c.poly([(x - 12, 112), (x + 12, 112), (x + 30, 30), (x - 30, 30)], "#4d9a43")
        c.rect(x - 12, 90, 24, 22, "#a8cf7a")


def pumpkin(c):
    table(c)
    for dx in (-40, 40, 0):
        c.ellipse(160 + dx, 145, 55, 50, "#f08a24" if dx else "#f6a13c")
    c.rect(154, 80, 12, 25, "#6b4a26")


def cabbage(c):
    table(c)
    c.circle(160, 135, 72, "#7a4a8c")
    c.circle(160, 135, 52, "#9d6bb0")
    c.circle(160, 135, 30, "#c39ad2")


def apples(c):
    table(c)
    for x, y, col in ((115, 150, "#d33b2f"), (205, 150, "#9cc43a"), (160, 110, "#e0592c")):
        c.circle(x - 14, y, 34, col)
        c.circle(x + 14, y, 34, col)
        c.rect(x - 2, y - 50, 4, 20, "#6b4a26")
        c.ellipse(x + 12, y - 44, 12, 6, "#3f9b3a")


def pears(c):
    table(c)
    for x in (120, 200):
        c.circle(x, 160, 38, "#c9c23a")
        c.circle(x, 115, 24, "#c9c23a")
        c.rect(x - 2, 80, 4, 16, "#6b4a26")


def strawberries(c):
    table(c)
    for x, y in ((110, 150), (165, 140), (215, 155)):
        c.poly([(x - 30, y - 20), (x + 30, y - 20), (x, y + 40)], "#e0262f")
        c.ellipse(x, y - 20, 30, 14, "#e0262f")
        c.poly([(x - 18, y - 28), (x + 18, y - 28), (x, y - 40)], "#3f9b3a")
        for sx, sy in ((-10, -8), (8, -5), (0, 10), (-4, 24)):
            c.circle(x + sx, y + sy, 2, "#ffe48a")


def cherries(c):
    table(c)
    c.line(130, 150, 165, 60, 4, "#6b4a26")
    c.line(200, 150, 165, 60, 4, "#6b4a26")
    c.ellipse(180, 62, 22, 10, "#3f9b3a")
    c.circle(130, 160, 28, "#a0102a")
    c.circle(200, 160, 28, "#a0102a")
    c.circle(122, 152, 7, "#d85a6e")
    c.circle(192, 152, 7, "#d85a6e")


def cheese_wheel(c):
    table(c)
    c.ellipse(160, 175, 110, 30, "#e2a93b")
    c.rect(50, 120, 220, 55, "#e2a93b")
    c.ellipse(160, 120, 110, 30, "#f6cf62")
    c.ellipse(160, 120, 110, 30, "#f2c14e", 300, 330)


def cheese_wedge(c):
    table(c)
    c.poly([(70, 185), (250, 185), (250, 120), (70, 150)], "#f4c542")
    c.poly([(70, 150), (250, 120), (230, 95)], "#f9dd7a")
    for x, y, r in ((120, 165, 9), (190, 155, 12), (225, 170, 7), (160, 175, 6)):
        c.circle(x, y, r, "#d9a521")


def tomme(c):
    table(c)
    c.ellipse(160, 170, 90, 28, "#b9a58a")
    c.rect(70, 135, 180, 35, "#b9a58a")
    c.ellipse(160, 135, 90, 28, "#d8c8ad")
    for x, y in ((130, 130), (175, 140), (195, 125)):
        c.circle(x, y, 5, "#a38e70")


def milk(c):
    table(c)
    c.rect(125, 80, 70, 115, "#f7f7f2")
    c.poly([(135, 80), (185, 80), (175, 50), (145, 50)], "#f7f7f2")
    c.rect(145, 38, 30, 14, "#3a78c2")
    c.rect(125, 120, 70, 30, "#3a78c2")


def yoghurt(c):
    table(c)
    for x in (115, 205):
        c.poly([(x - 38, 110), (x + 38, 110), (x + 30, 190), (x - 30, 190)], "#fbf8f0")
        c.rect(x - 40, 100, 80, 12, "#d94c7a" if x < 160 else "#7cc0e0")
        c.rect(x - 30, 140, 60, 20, "#f4b8c8" if x < 160 else "#bfe2f2")


def butter(c):
    table(c)
    c.poly([(80, 170), (220, 170), (250, 145), (110, 145)], "#f6e27f")
    c.poly([(80, 170), (220, 170), (220, 190), (80, 190)], "#efd45a")
    c.poly([(220, 170), (250, 145), (250, 165), (220, 190)], "#e5c845")


def eggs(c):
    table(c)
    c.rect(70, 160, 180, 35, "#b89c74")
    for x in (100, 140, 180, 220):
        c.ellipse(x, 150, 18, 24, "#f4e7d2" if x % 80 else "#d9b38c")


def bread(c):
    table(c)
    c.ellipse(160, 150, 110, 50, "#c68a3e")
    c.ellipse(160, 140, 100, 40, "#d9a05a")
    for x in (110, 150, 190):
        c.line(x - 12, 150, x + 16, 120, 6, "#f1cf8e")


def baguette(c):
    table(c)
    c.line(50, 180, 270, 90, 36, "#d69a4c")
    for t in (0.2, 0.4, 0.6, 0.8):
        x, y = 50 + 220 * t, 180 - 90 * t
        c.line(x - 10, y - 2, x + 8, y - 14, 5, "#f1cf8e")


def croissant(c):
    table(c)
    for i, (dx, r) in enumerate(((-75, 26), (-40, 34), (0, 40), (40, 34), (75, 26))):
        c.circle(160 + dx, 150 - abs(dx) * 0.25, r, "#d99a45" if i % 2 else "#e7b060")


def tart(c):
    table(c)
    c.ellipse(160, 160, 110, 38, "#c9853d")
    c.ellipse(160, 152, 96, 30, "#f2d28c")
    for a in range(0, 360, 30):
        r = math.radians(a)
        c.circle(160 + 65 * math.cos(r), 152 + 20 * math.sin(r), 10, "#9dc43c" if a % 60 else "#e05a2a")


def wine(color, label):
    def draw(c):
        table(c)
        c.rect(135, 90, 50, 105, color)
        c.poly([(135, 92), (185, 92), (168, 60), (152, 60)], color)
        c.rect(152, 25, 16, 38, color)
        c.rect(150, 22, 20, 10, "#6d2330")
        c.rect(140, 120, 40, 45, label)
        c.rect(147, 130, 26, 4, "#8b6f4e")
        c.ellipse(235, 170, 20, 22, "#7d2a6b")
        c.circle(220, 160, 11, "#8e3a7c")
        c.circle(245, 155, 11, "#8e3a7c")
    return draw


def beer_bottle(c):
    table(c)
    c.rect(138, 100, 44, 95, "#7a4b1f")
    c.poly([(138, 102), (182, 102), (168, 70), (152, 70)], "#7a4b1f")
    c.rect(153, 40, 14, 32, "#7a4b1f")
    c.rect(150, 36, 20, 8, "#d4a017")
    c.rect(142, 125, 36, 40, "#f2d36b")


def beer_glass(c):
    table(c)
    c.poly([(115, 80), (205, 80), (195, 195), (125, 195)], "#f0b22e")
    c.ellipse(160, 78, 50, 18, "#fffaf0")
    c.circle(130, 72, 16, "#fffaf0")
    c.circle(190, 72, 16, "#fffaf0")
    c.rect(140, 110, 6, 60, "#f7d06b")


def juice(c):
    table(c)
    c.rect(130, 85, 60, 110, "#f3a531")
    c.rect(150, 55, 20, 32, "#f3a531")
    c.rect(148, 48, 24, 10, "#3f7d3a")
    c.circle(230, 170, 24, "#d33b2f")
    c.rect(228, 140, 4, 10, "#6b4a26")


def honey(c):
    table(c)
    c.rect(115, 95, 90, 100, "#e9a81e")
    c.rect(110, 80, 100, 20, "#8a5a2b")
    c.rect(130, 125, 60, 40, "#fbe3a1")
    for dx, dy in ((0, 0), (14, 8), (-14, 8)):
        c.poly([(160 + dx - 7, 137 + dy), (160 + dx + 7, 137 + dy), (160 + dx, 149 + dy)], "#e9a81e")


def jam(c):
    table(c)
    c.rect(120, 100, 80, 95, "#a3203a")
    c.rect(115, 85, 90, 18, "#e6d4b8")
    c.poly([(115, 85), (205, 85), (160, 70)], "#d45d5d")
    c.rect(133, 130, 54, 34, "#f7efe0")


def bowl(c):
    table(c, "#c9d8c5")
    c.ellipse(160, 120, 100, 25, "#2f6f8f")
    c.ellipse(160, 120, 100, 70, "#3d87a8", 0, 180)
    c.ellipse(160, 120, 88, 18, "#e9e0cf")
    c.rect(130, 185, 60, 8, "#2f6f8f")


def vase(c):
    table(c, "#c9d8c5")
    c.circle(160, 140, 55, "#c2643c")
    c.rect(140, 55, 40, 50, "#c2643c")
    c.ellipse(160, 55, 26, 8, "#a84f2c")
    c.rect(105, 135, 110, 10, "#e8c9a0")


def mug(c):
    table(c, "#c9d8c5")
    c.rect(110, 90, 90, 100, "#6a8f5a")
    c.ring(210, 140, 30, 10, "#6a8f5a", "#f5efe2")
    c.rect(110, 90, 90, 14, "#8fb27d")


def bike(c):
    c.rect(0, 200, 320, 40, "#9aa5ad")
    c.ring(90, 165, 45, 7, "#2c2c2c", "#eef3f6")
    c.ring(230, 165, 45, 7, "#2c2c2c", "#eef3f6")
    for a, b in (((90, 165), (150, 165)), ((150, 165), (205, 110)), ((205, 110), (230, 165)),
                 ((120, 110), (205, 110)), ((120, 110), (90, 165)), ((120, 110), (150, 165)),
                 ((205, 110), (200, 90))):
        c.line(a[0], a[1], b[0], b[1], 6, "#d8342c")
    c.rect(105, 100, 30, 8, "#2c2c2c")
    c.rect(190, 86, 30, 6, "#2c2c2c")


def wheel(c):
    c.rect(0, 200, 320, 40, "#9aa5ad")
    c.ring(160, 120, 90, 12, "#2c2c2c", "#eef3f6")
    for a in range(0, 360, 20):
        r = math.radians(a)
        c.line(160, 120, 160 + 80 * math.cos(r), 120 + 80 * math.sin(r), 2, "#8a9399")
    c.circle(160, 120, 12, "#5b6369")


def spanner(c):
    c.rect(0, 200, 320, 40, "#9aa5ad")
    c.line(90, 170, 220, 70, 18, "#8a9399")
    c.circle(232, 60, 26, "#8a9399")
    c.poly([(225, 38), (250, 48), (240, 62)], "#eef3f6")
    c.circle(84, 176, 20, "#8a9399")
    c.circle(84, 176, 9, "#eef3f6")


def basket(c):
    table(c)
    c.ellipse(160, 105, 100, 70, "#8a5a2b", 180, 360)
    c.ellipse(160, 105, 90, 60, "#eef3e2", 180, 360)
    c.circle(120, 115, 28, "#d8342c")
    c.circle(170, 108, 30, "#6dbb45")
    c.circle(210, 118, 24, "#ef7d22")
    c.poly([(60, 115), (260, 115), (235, 195), (85, 195)], "#b07a3c")
    for y in (135, 155, 175):
        c.rect(70, y, 180, 5, "#8a5a2b")


def flowers(c):
    table(c)
    for x, col in ((120, "#e0446a"), (160, "#f2c230"), (200, "#8a5ad0")):
        c.line(x, 190, 160, 110 + abs(x - 160), 4, "#3f9b3a")
        for a in range(0, 360, 60):
            r = math.radians(a)
            c.circle(x + 14 * math.cos(r), 90 - abs(x - 160) * 0.3 + 14 * math.sin(r), 11, col)
        c.circle(x, 90 - abs(x - 160) * 0.3, 8, "#fff2b0")


def seedlings(c):
    table(c)
    for x in (100, 160, 220):
        c.poly([(x - 25, 140), (x + 25, 140), (x + 18, 190), (x - 18, 190)], "#b8542f")
        c.line(x, 140, x, 105, 4, "#3f9b3a")
        c.ellipse(x - 14, 105, 14, 7, "#5db548")
        c.ellipse(x + 14, 100, 14, 7, "#5db548")


def lesson(c):
    table(c, "#c9d8c5")
    c.rect(70, 50, 180, 110, "#2e4a3a")
    c.rect(65, 45, 190, 8, "#8a5a2b")
    c.line(95, 90, 140, 90, 3, "#f5efe2")
    c.line(95, 110, 200, 110, 3, "#f5efe2")
    c.line(95, 130, 170, 130, 3, "#f5efe2")


def van(c):
    c.rect(0, 195, 320, 45, "#9aa5ad")
    c.rect(60, 100, 170, 85, "#3e9b73")
    c.poly([(230, 120), (270, 140), (270, 185), (230, 185)], "#3e9b73")
    c.poly([(235, 126), (262, 142), (262, 155), (235, 155)], "#cfe8f5")
    c.circle(105, 188, 20, "#2c2c2c")
    c.circle(235, 188, 20, "#2c2c2c")
    c.poly([(130, 130), (150, 130), (140, 150), (158, 150), (128, 175), (138, 155), (122, 155)], "#f2d36b")


def cargo_bike(c):
    c.rect(0, 200, 320, 40, "#9aa5ad")
    c.rect(40, 110, 110, 60, "#2f7fb8")
    c.ring(80, 175, 25, 5, "#2c2c2c", "#eef3f6")
    c.ring(250, 165, 35, 6, "#2c2c2c", "#eef3f6")
    c.line(150, 165, 200, 120, 6, "#f08a24")
    c.line(200, 120, 250, 165, 6, "#f08a24")
    c.line(150, 165, 110, 170, 6, "#f08a24")
    c.line(230, 120, 225, 90, 5, "#2c2c2c")
    c.rect(185, 112, 30, 7, "#2c2c2c")


def seal(c):
    c.circle(160, 120, 80, "#2f7d4a")
    c.circle(160, 120, 62, "#f5efe2")
    c.line(125, 122, 150, 147, 14, "#2f7d4a")
    c.line(150, 147, 200, 95, 14, "#2f7d4a")


def home(c):
    c.rect(0, 200, 320, 40, "#9ccf7a")
    c.rect(100, 120, 120, 80, "#f5e6c8")
    c.poly([(85, 122), (235, 122), (160, 60)], "#c2643c")
    c.rect(145, 150, 30, 50, "#8a5a2b")


PRODUCTS = {
    "carrots": (carrots, "#fdf3e1"), "tomatoes": (tomatoes, "#fdf3e1"),
    "lettuce": (lettuce, "#eef7e4"), "potatoes": (potatoes, "#fdf3e1"),
    "leeks": (leeks, "#eef7e4"), "pumpkin": (pumpkin, "#fdf3e1"),
    "cabbage": (cabbage, "#eef7e4"), "apples": (apples, "#fdf3e1"),
    "pears": (pears, "#eef7e4"), "strawberries": (strawberries, "#fdeef0"),
    "cherries": (cherries, "#fdeef0"), "cheese-wheel": (cheese_wheel, "#eaf2f8"),
    "cheese-wedge": (cheese_wedge, "#eaf2f8"), "tomme": (tomme, "#eaf2f8"),
    "milk": (milk, "#dcebf5"), "yoghurt": (yoghurt, "#dcebf5"),
    "butter": (butter, "#dcebf5"), "eggs": (eggs, "#fdf3e1"),
    "bread": (bread, "#f8ecd9"), "baguette": (baguette, "#f8ecd9"),
    "croissant": (croissant, "#f8ecd9"), "tart": (tart, "#f8ecd9"),
    "wine-red": (wine("#5a1426", "#f5efe2"), "#efe6f0"),
    "wine-white": (wine("#c9c27a", "#f5efe2"), "#efe6f0"),
    "wine-rose": (wine("#e58f9a", "#f5efe2"), "#efe6f0"),
    "beer-bottle": (beer_bottle, "#f4ead8"), "beer-glass": (beer_glass, "#f4ead8"),
    "juice": (juice, "#fdf3e1"), "honey": (honey, "#fff6dc"), "jam": (jam, "#fdeef0"),
    "bowl": (bowl, "#f5efe2"), "vase": (vase, "#f5efe2"), "mug": (mug, "#f5efe2"),
    "bike": (bike, "#eef3f6"), "wheel": (wheel, "#eef3f6"), "spanner": (spanner, "#eef3f6"),
    "basket": (basket, "#eef7e4"), "flowers": (flowers, "#fdeef0"),
    "seedlings": (seedlings, "#eef7e4"), "lesson": (lesson, "#f5efe2"),
}

# Avatar per actor slug: a badge with the motif that says what the actor does.
AVATARS = {
    "ferme-du-cret": (carrots, "#4d9a43"),
    "boulangerie-des-paquis": (bread, "#b5742f"),
    "fromagerie-des-bossons": (cheese_wheel, "#2f6f8f"),
    "domaine-du-mandement": (wine("#5a1426", "#f5efe2"), "#7d2a6b"),
    "brasserie-de-carouge": (beer_glass, "#7a4b1f"),
    "atelier-terre-et-feu": (vase, "#6a8f5a"),
    "velo-secours-eaux-vives": (bike, "#d8342c"),
    "terroir-en-ville": (basket, "#3e9b73"),
    "rucher-de-choulex": (honey, "#c88a12"),
    "vergers-de-troinex": (apples, "#9cc43a"),
    "velocargo-geneve": (cargo_bike, "#2f7fb8"),
    "leman-e-livraisons": (van, "#3e9b73"),
    "certif-terroir-leman": (seal, "#e9e0cf"),
    "camille": (home, "#7cc0e0"),
}


def picture(draw, bg):
    c = Canvas(320, 240, bg)
    draw(c)
    return c.png()


def avatar(draw, ring):
    size = 128
    c = Canvas(size, size, ring)
    c.s, c.ox, c.oy = 1.0, 0.0, 0.0
    c.circle(64, 64, 58, "#fbf7ee")
    scale = 0.34
    c.s, c.ox, c.oy = scale, 64 - 160 * scale, 64 - 130 * scale
    draw(c)
    # Clip the motif to the badge by repainting outside the disc.
    rgb = bytes(hexrgb(ring))
    for y in range(size):
        for x in range(size):
            if (x + 0.5 - 64) ** 2 + (y + 0.5 - 64) ** 2 > 58 ** 2:
                c.px[(y * size + x) * 3:(y * size + x + 1) * 3] = rgb
    return c.png()


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, (draw, bg) in PRODUCTS.items():
        with open(os.path.join(OUT, name + ".png"), "wb") as f:
            f.write(picture(draw, bg))
    for slug, (draw, ring) in AVATARS.items():
        with open(os.path.join(OUT, "logo-" + slug + ".png"), "wb") as f:
            f.write(avatar(draw, ring))


if __name__ == "__main__":
    main()
