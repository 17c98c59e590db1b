package vikalp

import "time"

// IST is India Standard Time (UTC+05:30, no daylight saving): the zone of
// every date and time Vikalp shows to a person or counts by day. The SQL
// side names the same zone 'Asia/Kolkata'.
var IST = time.FixedZone("IST", 5*3600+1800)
