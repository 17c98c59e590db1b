package turbojpeg

/*
// Debian's libturbojpeg0-dev puts turbojpeg.h and the library on the default
// paths, so no pkg-config is needed.
#cgo LDFLAGS: -lturbojpeg
#include <turbojpeg.h>

// The wrappers take plane pointers one by one and build TurboJPEG's arrays
// on the C stack: Go may not pass C an array of Go pointers.

static int decode_planes(tjhandle h, const unsigned char *src, unsigned long size,
		unsigned char *y, unsigned char *cb, unsigned char *cr,
		int ystride, int cstride, int width, int height, int flags) {
	unsigned char *planes[3] = {y, cb, cr};
	int strides[3] = {ystride, cstride, cstride};
	return tjDecompressToYUVPlanes(h, src, size, planes, width, strides, height, flags);
}

static int encode_planes(tjhandle h, const unsigned char *y, const unsigned char *cb,
		const unsigned char *cr, int ystride, int cstride, int width, int height,
		int subsamp, unsigned char **out, unsigned long *size, int quality, int flags) {
	const unsigned char *planes[3] = {y, cb, cr};
	int strides[3] = {ystride, cstride, cstride};
	return tjCompressFromYUVPlanes(h, planes, width, strides, height, subsamp, out, size,
		quality, flags);
}
*/
import "C"

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"sync"
	"unsafe"
)

// ErrUnsupported is returned by Decode for a JPEG it does not decode into
// planes: CMYK, YCCK or RGB colour. (A subsampling TurboJPEG cannot name,
// such as 4:1:0, already fails to read as a header.)
var ErrUnsupported = errors.New("turbojpeg: unsupported JPEG")

// Subsampling is a JPEG's chroma subsampling, as TurboJPEG names it.
type Subsampling int

// The subsamplings TurboJPEG knows (its TJSAMP_* values).
const (
	Sub444  Subsampling = C.TJSAMP_444
	Sub422  Subsampling = C.TJSAMP_422
	Sub420  Subsampling = C.TJSAMP_420
	SubGray Subsampling = C.TJSAMP_GRAY
	Sub440  Subsampling = C.TJSAMP_440
	Sub411  Subsampling = C.TJSAMP_411
)

// ColorSpace is the colour space of a JPEG's components.
type ColorSpace int

// The colour spaces TurboJPEG knows (its TJCS_* values).
const (
	RGB   ColorSpace = C.TJCS_RGB
	YCbCr ColorSpace = C.TJCS_YCbCr
	Gray  ColorSpace = C.TJCS_GRAY
	CMYK  ColorSpace = C.TJCS_CMYK
	YCCK  ColorSpace = C.TJCS_YCCK
)

// Header is what a JPEG's frame header declares.
type Header struct {
	Width, Height int
	Subsampling   Subsampling
	ColorSpace    ColorSpace
}

// Decoding refuses warnings (a truncated or damaged file) rather than
// filling in grey, and bounds the scans of a progressive file. The IDCT is
// TurboJPEG's accurate default: TJFLAG_FASTDCT measured no faster on the
// benchmark photo (5.5 ms either way), so nothing is traded for it.
const decodeFlags = C.TJFLAG_STOPONWARNING | C.TJFLAG_LIMITSCANS

// Encoding uses the accurate DCT: on SIMD hardware it costs no measurable
// time over the fast one (TurboJPEG's default) and matches image/jpeg's
// quality (42.77 against 42.72 dB PSNR on the benchmark photo at 85).
const encodeFlags = C.TJFLAG_ACCURATEDCT

// decompressor is one TurboJPEG decompression handle, used by one call.
type decompressor struct{ h C.tjhandle }

func newDecompressor() (decompressor, error) {
	h := C.tjInitDecompress()
	if h == nil {
		return decompressor{}, fmt.Errorf("turbojpeg: init decompressor: %s", C.GoString(C.tjGetErrorStr2(nil)))
	}
	return decompressor{h}, nil
}

func (d decompressor) close() { C.tjDestroy(d.h) }

// header reads the frame header of data.
func (d decompressor) header(data []byte) (Header, error) {
	if len(data) == 0 {
		return Header{}, errors.New("turbojpeg: empty input")
	}
	var w, h, sub, cs C.int
	rc := C.tjDecompressHeader3(d.h, (*C.uchar)(unsafe.Pointer(&data[0])), C.ulong(len(data)), &w, &h, &sub, &cs)
	runtime.KeepAlive(data)
	if rc != 0 {
		return Header{}, handleError(d.h, "read header")
	}
	return Header{Width: int(w), Height: int(h), Subsampling: Subsampling(sub), ColorSpace: ColorSpace(cs)}, nil
}

// decodePlanes decodes data into y, cb and cr (cb and cr nil for gray),
// scaled by TurboJPEG to exactly w×h. The planes must be laid out as
// planeLayout says for w, h and the image's subsampling.
func (d decompressor) decodePlanes(data, y, cb, cr []byte, ystride, cstride, w, h int) error {
	rc := C.decode_planes(d.h, bytePtr(data), C.ulong(len(data)),
		bytePtr(y), bytePtr(cb), bytePtr(cr), C.int(ystride), C.int(cstride), C.int(w), C.int(h), decodeFlags)
	runtime.KeepAlive(data)
	runtime.KeepAlive(y)
	runtime.KeepAlive(cb)
	runtime.KeepAlive(cr)
	if rc != 0 {
		return handleError(d.h, "decode")
	}
	return nil
}

// compressor is one TurboJPEG compression handle, used by one call.
type compressor struct{ h C.tjhandle }

func newCompressor() (compressor, error) {
	h := C.tjInitCompress()
	if h == nil {
		return compressor{}, fmt.Errorf("turbojpeg: init compressor: %s", C.GoString(C.tjGetErrorStr2(nil)))
	}
	return compressor{h}, nil
}

func (c compressor) close() { C.tjDestroy(c.h) }

// encodePlanes compresses planar YCbCr (cb and cr nil for gray).
func (c compressor) encodePlanes(y, cb, cr []byte, ystride, cstride, w, h int, sub Subsampling, quality int) ([]byte, error) {
	var out *C.uchar
	var size C.ulong
	rc := C.encode_planes(c.h, bytePtr(y), bytePtr(cb), bytePtr(cr), C.int(ystride), C.int(cstride),
		C.int(w), C.int(h), C.int(sub), &out, &size, C.int(quality), encodeFlags)
	runtime.KeepAlive(y)
	runtime.KeepAlive(cb)
	runtime.KeepAlive(cr)
	return takeOutput(c.h, rc, out, size)
}

// encodePixels compresses packed pixels: 4 bytes a pixel (the fourth
// ignored) or, for gray, 1.
func (c compressor) encodePixels(pix []byte, stride, w, h int, gray bool, quality int) ([]byte, error) {
	pf, sub, bpp := C.int(C.TJPF_RGBX), C.int(C.TJSAMP_420), 4
	if gray {
		pf, sub, bpp = C.TJPF_GRAY, C.TJSAMP_GRAY, 1
	}
	if w <= 0 || h <= 0 || stride < w*bpp || len(pix) < stride*(h-1)+w*bpp {
		return nil, fmt.Errorf("turbojpeg: encode: %d bytes, stride %d too short for %dx%d", len(pix), stride, w, h)
	}
	var out *C.uchar
	var size C.ulong
	rc := C.tjCompress2(c.h, bytePtr(pix), C.int(w), C.int(stride), C.int(h), pf, &out, &size, sub, C.int(quality), encodeFlags)
	runtime.KeepAlive(pix)
	return takeOutput(c.h, rc, out, size)
}

// takeOutput copies the JPEG TurboJPEG allocated into Go memory and frees
// it, also when the call failed part way.
func takeOutput(h C.tjhandle, rc C.int, out *C.uchar, size C.ulong) ([]byte, error) {
	if out != nil {
		defer C.tjFree(out)
	}
	if rc != 0 {
		return nil, handleError(h, "encode")
	}
	if out == nil || size == 0 || size > math.MaxInt32 {
		return nil, fmt.Errorf("turbojpeg: encode: output of %d bytes", uint64(size))
	}
	return C.GoBytes(unsafe.Pointer(out), C.int(size)), nil
}

// planeLayout returns the width and height TurboJPEG reads or writes of
// plane i (0 luma, 1 and 2 chroma) of a w×h image. Luma is padded to whole
// chroma samples: 4:2:0 at 5×5 has a 6×6 luma plane.
func planeLayout(i, w, h int, sub Subsampling) (pw, ph int, err error) {
	pw = int(C.tjPlaneWidth(C.int(i), C.int(w), C.int(sub)))
	ph = int(C.tjPlaneHeight(C.int(i), C.int(h), C.int(sub)))
	if pw <= 0 || ph <= 0 {
		return 0, 0, fmt.Errorf("turbojpeg: no plane %d for %dx%d subsampling %d", i, w, h, sub)
	}
	return pw, ph, nil
}

// scalingFactor is a ratio TurboJPEG can scale by while decoding.
type scalingFactor struct{ num, denom int }

// scaled is TJSCALED: dim scaled by f, rounded up.
func (f scalingFactor) scaled(dim int) int { return (dim*f.num + f.denom - 1) / f.denom }

// scalingFactors lists the factors of at most 1 that TurboJPEG offers.
var scalingFactors = sync.OnceValue(func() []scalingFactor {
	var n C.int
	p := C.tjGetScalingFactors(&n)
	if p == nil || n <= 0 {
		return []scalingFactor{{1, 1}}
	}
	var out []scalingFactor
	for _, f := range unsafe.Slice(p, int(n)) {
		if f.num > 0 && f.num <= f.denom {
			out = append(out, scalingFactor{int(f.num), int(f.denom)})
		}
	}
	return out
})

// handleError turns the last error of handle h into a Go error, copying
// TurboJPEG's message out of the handle.
func handleError(h C.tjhandle, op string) error {
	kind := "error"
	if C.tjGetErrorCode(h) == C.TJERR_WARNING {
		kind = "warning"
	}
	return fmt.Errorf("turbojpeg: %s: %s: %s", op, kind, C.GoString(C.tjGetErrorStr2(h)))
}

// bytePtr is the address of b's first byte, or nil for an empty b.
func bytePtr(b []byte) *C.uchar {
	if len(b) == 0 {
		return nil
	}
	return (*C.uchar)(unsafe.Pointer(&b[0]))
}
