"""Field services next to the guidance (issue #14): readers' feedback on items (public,
anonymous, queued offline on the device) and the directory of help organisations by country
of return (public to read, edited by admins)."""
