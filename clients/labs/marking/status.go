package marking

import "github.com/oppslag/oppslag/clients/labs"

// Notice is the kind of notice a report's status calls for.
type Notice string

// The notices. A status the client does not know is an amendment: the
// reader is told that the report is not simply final, and the status is
// named as received.
const (
	None        Notice = ""            // final, or no status
	Preliminary Notice = "preliminary" // registered, partial, preliminary: results may still change
	Withdrawn   Notice = "withdrawn"   // cancelled, entered in error: the results no longer stand
	Amended     Notice = "amended"     // amended, corrected, appended, unknown, and any other code
)

// NoticeOf is the notice a report's status calls for.
func NoticeOf(status string) Notice {
	switch status {
	case labs.StatusFinal, "":
		return None
	case labs.StatusRegistered, labs.StatusPartial, labs.StatusPreliminary:
		return Preliminary
	case labs.StatusCancelled, labs.StatusEnteredInError:
		return Withdrawn
	}
	return Amended
}

// StatusShown reports whether a result's own status is shown: a final
// result (or one with no status) says nothing, so only what a clinician
// must notice stands out.
func StatusShown(status string) bool { return status != labs.StatusFinal && status != "" }
