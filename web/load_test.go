package web_test

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	"image/jpeg"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestSimUploadLoad is the load check of issue 15: 32 residents each uploading two 10 MB photos
// at once to the simulator. Every request must be answered without a 500 (no "database is
// locked"), and the process's peak memory must stay under 300 MB. It takes a while and wants the
// machine to itself, so it runs only when asked:
//
//	KETANMU_LOAD=1 go test ./web -run TestSimUploadLoad -v
func TestSimUploadLoad(t *testing.T) {
	if os.Getenv("KETANMU_LOAD") == "" {
		t.Skip("set KETANMU_LOAD=1 to run the upload load test")
	}
	const clients, perClient, fileSize = 32, 2, 10_000_000
	api := MustCasesAPI(t, "")
	photo := noisyJPEG(t, fileSize)
	start := time.Now()
	var mu sync.Mutex
	statuses := map[int]int{}
	var failures []string
	var wg sync.WaitGroup
	for c := range clients {
		for f := range perClient {
			wg.Add(1)
			go func() {
				defer wg.Done()
				status, body := postPhoto(t, api.URL, fmt.Sprintf("0812%08d", c), fmt.Sprintf("load-%d-%d", c, f), photo)
				mu.Lock()
				defer mu.Unlock()
				statuses[status]++
				if status != http.StatusOK {
					failures = append(failures, fmt.Sprintf("%d %.120s", status, body))
				}
			}()
		}
	}
	wg.Wait()
	peak := peakRSS(t)
	t.Logf("%d uploads of %d bytes in %s: statuses %v; peak RSS %d MB", clients*perClient, len(photo),
		time.Since(start).Round(time.Millisecond), statuses, peak>>20)
	if len(failures) > 0 {
		t.Errorf("%d uploads failed, e.g. %s", len(failures), failures[0])
	}
	if peak > 300<<20 {
		t.Errorf("peak RSS %d MB, want under 300 MB", peak>>20)
	}
}

// postPhoto streams one simulator message with the photo as base64, without building the body
// in memory, so that the client's own copies do not count against the server.
func postPhoto(t *testing.T, base, from, id string, photo []byte) (int, []byte) {
	pr, pw := io.Pipe()
	go func() {
		bw := bufio.NewWriter(pw)
		fmt.Fprintf(bw, `{"account":"kkktp","from":%q,"id":%q,"media":{"mime":"image/jpeg","filename":"kk.jpg","data":"`, from, id)
		enc := base64.NewEncoder(base64.StdEncoding, bw)
		enc.Write(photo)
		enc.Close()
		bw.WriteString(`"}}`)
		pw.CloseWithError(bw.Flush())
	}()
	req, err := http.NewRequest(http.MethodPost, base+"/api/sim/messages", pr)
	if err != nil {
		t.Error(err)
		return 0, nil
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, []byte(err.Error())
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, body
}

// noisyJPEG is a real, fully decodable photo of random noise (about 12 megapixels), padded
// after its end marker to exactly size bytes, as a camera's maker data would be.
func noisyJPEG(tb testing.TB, size int) []byte {
	img := image.NewYCbCr(image.Rect(0, 0, 4000, 3000), image.YCbCrSubsampleRatio420)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range img.Y {
		img.Y[i] = uint8(rng.IntN(256))
	}
	for i := range img.Cb {
		img.Cb[i], img.Cr[i] = uint8(rng.IntN(256)), uint8(rng.IntN(256))
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 60}); err != nil {
		tb.Fatal(err)
	}
	if buf.Len() > size {
		tb.Fatalf("noise photo is %d bytes, over %d", buf.Len(), size)
	}
	buf.Write(make([]byte, size-buf.Len()))
	return buf.Bytes()
}

// peakRSS is the process's peak resident memory (VmHWM), in bytes.
func peakRSS(tb testing.TB) int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		tb.Skipf("no /proc/self/status: %v", err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kb int64
			fmt.Sscan(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), &kb)
			return kb << 10
		}
	}
	tb.Skip("no VmHWM in /proc/self/status")
	return 0
}
