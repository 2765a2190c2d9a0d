// Package datename reads the English names of days and months as mail
// writes them, in RFC 5322 dates and in mbox From_ lines ("Thu", "Sep"),
// and knows the length of a month: what the fast date readers of package
// dsn and package mbox share before they fall back on time.Parse.
package datename

import "time"

// Weekday reports whether s is a day's three-letter name, "Mon" to "Sun",
// with its first letter capital as mail writes it.
func Weekday(s string) bool {
	switch s {
	case "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun":
		return true
	}
	return false
}

// Month returns the month whose three-letter name is s, "Jan" to "Dec"
// with its first letter capital as mail writes it, or 0.
func Month(s string) time.Month {
	switch s {
	case "Jan":
		return time.January
	case "Feb":
		return time.February
	case "Mar":
		return time.March
	case "Apr":
		return time.April
	case "May":
		return time.May
	case "Jun":
		return time.June
	case "Jul":
		return time.July
	case "Aug":
		return time.August
	case "Sep":
		return time.September
	case "Oct":
		return time.October
	case "Nov":
		return time.November
	case "Dec":
		return time.December
	}
	return 0
}

// DaysIn returns the number of days of month m (1 to 12) in year, in the
// proleptic Gregorian calendar time.Date uses.
func DaysIn(m time.Month, year int) int {
	if m == time.February {
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	}
	return 30 + int((m+m/8)%2) // 31 in January, March, ..., July, August, October, December
}
