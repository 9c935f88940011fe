package server

import "time"

// The time layouts every request formats (the items timeStamp, the date in
// entity tags, the request log's time) are written out here: time's own
// formatter parses its layout on every call, which costs several times as
// much. TestAppendTime holds them to time.Format.

// appendDate appends t's date in its own zone, as layout "2006-01-02".
func appendDate(b []byte, t time.Time) []byte {
	y, m, d := t.Date()
	if y < 0 || y > 9999 {
		return t.AppendFormat(b, "2006-01-02")
	}
	b = append4(b, y)
	b = append(b, '-')
	b = append2(b, int(m))
	b = append(b, '-')
	return append2(b, d)
}

// appendRFC3339 appends t in its own zone as layout time.RFC3339 or, with
// millis, "2006-01-02T15:04:05.000Z07:00" (milliseconds truncated).
func appendRFC3339(b []byte, t time.Time, millis bool) []byte {
	if y := t.Year(); y < 0 || y > 9999 {
		if millis {
			return t.AppendFormat(b, "2006-01-02T15:04:05.000Z07:00")
		}
		return t.AppendFormat(b, time.RFC3339)
	}
	b = appendDate(b, t)
	h, mi, s := t.Clock()
	b = append(b, 'T')
	b = append2(b, h)
	b = append(b, ':')
	b = append2(b, mi)
	b = append(b, ':')
	b = append2(b, s)
	if millis {
		ms := t.Nanosecond() / 1e6
		b = append(b, '.', byte('0'+ms/100), byte('0'+ms/10%10), byte('0'+ms%10))
	}
	_, off := t.Zone()
	if off%60 != 0 { // seconds in the offset: time.Format drops them the same way, but rarely
		return t.AppendFormat(b, "Z07:00")
	}
	if off == 0 {
		return append(b, 'Z')
	}
	sign := byte('+')
	if off < 0 {
		sign, off = '-', -off
	}
	b = append(b, sign)
	b = append2(b, off/3600)
	b = append(b, ':')
	return append2(b, off/60%60)
}

func append2(b []byte, n int) []byte {
	return append(b, byte('0'+n/10), byte('0'+n%10))
}

func append4(b []byte, n int) []byte {
	return append(b, byte('0'+n/1000), byte('0'+n/100%10), byte('0'+n/10%10), byte('0'+n%10))
}
