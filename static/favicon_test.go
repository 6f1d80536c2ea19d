package static

import (
	"bytes"
	"encoding/binary"
	"flag"
	"image"
	"image/color"
	"image/png"
	"io/fs"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
)

var updateFavicon = flag.Bool("update-favicon", false, "redraw img/favicon.ico from the shape of img/favicon.svg")

// iconSizes are the images favicon.ico holds.
var iconSizes = []int{16, 32}

// drawIcon draws img/favicon.svg's shape at size×size: a rounded accent
// square with a white magnifier, 4×4 samples a pixel. The shapes are in
// the SVG's 32-unit box.
func drawIcon(size int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	const samples = 4
	scale := 32 / float64(size)
	bg := color.NRGBA{0x00, 0x62, 0xba, 0xff}
	for py := 0; py < size; py++ {
		for px := 0; px < size; px++ {
			var inBox, white float64
			for sy := 0; sy < samples; sy++ {
				for sx := 0; sx < samples; sx++ {
					x := (float64(px) + (float64(sx)+0.5)/samples) * scale
					y := (float64(py) + (float64(sy)+0.5)/samples) * scale
					if !inRoundedBox(x, y, 32, 6) {
						continue
					}
					inBox++
					ring := math.Abs(math.Hypot(x-14, y-14) - 7)
					if ring <= 1.5 || segmentDistance(x, y, 19.5, 19.5, 25.5, 25.5) <= 1.75 {
						white++
					}
				}
			}
			n := float64(samples * samples)
			if inBox == 0 {
				continue
			}
			w := white / inBox
			mix := func(c uint8) uint8 { return uint8(math.Round(float64(c)*(1-w) + 255*w)) }
			img.SetNRGBA(px, py, color.NRGBA{mix(bg.R), mix(bg.G), mix(bg.B), uint8(math.Round(255 * inBox / n))})
		}
	}
	return img
}

func inRoundedBox(x, y, side, r float64) bool {
	cx := math.Max(r, math.Min(side-r, x))
	cy := math.Max(r, math.Min(side-r, y))
	return x >= 0 && y >= 0 && x <= side && y <= side && math.Hypot(x-cx, y-cy) <= r
}

func segmentDistance(x, y, x1, y1, x2, y2 float64) float64 {
	dx, dy := x2-x1, y2-y1
	t := math.Max(0, math.Min(1, ((x-x1)*dx+(y-y1)*dy)/(dx*dx+dy*dy)))
	return math.Hypot(x-(x1+t*dx), y-(y1+t*dy))
}

// encodeICO writes PNG images into an ICO container (every browser reads
// PNG entries).
func encodeICO(imgs []*image.NRGBA) ([]byte, error) {
	var pngs [][]byte
	for _, img := range imgs {
		var b bytes.Buffer
		if err := png.Encode(&b, img); err != nil {
			return nil, err
		}
		pngs = append(pngs, b.Bytes())
	}
	var out bytes.Buffer
	binary.Write(&out, binary.LittleEndian, [3]uint16{0, 1, uint16(len(imgs))})
	offset := 6 + 16*len(imgs)
	for i, img := range imgs {
		side := uint8(img.Bounds().Dx() % 256)
		binary.Write(&out, binary.LittleEndian, struct {
			W, H, Colors, Reserved uint8
			Planes, Bits           uint16
			Size, Offset           uint32
		}{side, side, 0, 0, 1, 32, uint32(len(pngs[i])), uint32(offset)})
		offset += len(pngs[i])
	}
	for _, p := range pngs {
		out.Write(p)
	}
	return out.Bytes(), nil
}

// TestFaviconICO holds img/favicon.ico to the drawing: an ICO whose PNG
// entries are the icon at each size. Run with -update-favicon to redraw it.
func TestFaviconICO(t *testing.T) {
	var imgs []*image.NRGBA
	for _, s := range iconSizes {
		imgs = append(imgs, drawIcon(s))
	}
	want, err := encodeICO(imgs)
	if err != nil {
		t.Fatal(err)
	}
	if *updateFavicon {
		if err := os.WriteFile("img/favicon.ico", want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := fs.ReadFile(embedFS, "img/favicon.ico")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("img/favicon.ico is not the drawing; run go test ./static/ -run TestFaviconICO -update-favicon")
	}
	var head [3]uint16
	if err := binary.Read(bytes.NewReader(got), binary.LittleEndian, &head); err != nil || head != [3]uint16{0, 1, uint16(len(iconSizes))} {
		t.Fatalf("ICO header %v, %v; want an icon with %d images", head, err, len(iconSizes))
	}
	for i, s := range iconSizes {
		entry := got[6+16*i : 6+16*(i+1)]
		size, off := binary.LittleEndian.Uint32(entry[8:]), binary.LittleEndian.Uint32(entry[12:])
		img, err := png.Decode(bytes.NewReader(got[off : off+size]))
		if err != nil {
			t.Fatalf("image %d: %v", i, err)
		}
		if b := img.Bounds(); b.Dx() != s || b.Dy() != s {
			t.Errorf("image %d is %v; want %d×%d", i, b, s, s)
		}
	}
}

func TestFavicon(t *testing.T) {
	for _, method := range []string{http.MethodGet, http.MethodHead} {
		rec := httptest.NewRecorder()
		Favicon(rec, httptest.NewRequest(method, "/favicon.ico", nil))
		if rec.Code != http.StatusOK {
			t.Fatalf("%s /favicon.ico: status %d; want 200", method, rec.Code)
		}
		if ct := rec.Header().Get("Content-Type"); ct != "image/x-icon" {
			t.Errorf("Content-Type %q; want image/x-icon", ct)
		}
		if cc := rec.Header().Get("Cache-Control"); cc != "public, max-age=86400" {
			t.Errorf("Cache-Control %q; want a day's caching", cc)
		}
		want, _ := fs.ReadFile(embedFS, "img/favicon.ico")
		if method == http.MethodGet && !bytes.Equal(rec.Body.Bytes(), want) {
			t.Error("body is not img/favicon.ico")
		}
	}
	if !Exists("img/favicon.svg") || Path("img/favicon.svg") == Prefix+"img/favicon.svg" {
		t.Error("img/favicon.svg is not a hashed asset")
	}
}
