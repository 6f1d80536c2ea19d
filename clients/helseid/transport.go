package helseid

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/oppslag/oppslag/clients/dpop"
)

// maxBody caps what is read from HelseID; its answers are a few kilobytes.
const maxBody = 1 << 20

// maxDescription caps an error_description copied into error text.
const maxDescription = 200

// do sends req and reads the (capped) body. A transport failure wraps
// ErrUnavailable. Every HelseID answer updates the health Ready reports.
func (c *Client) do(req *http.Request) (status int, header http.Header, body []byte, err error) {
	resp, err := c.http.Do(req)
	if err != nil {
		err = fmt.Errorf("%w: %w", ErrUnavailable, err)
		c.setHealth(err)
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	body, err = io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		err = fmt.Errorf("%w: reading response: %w", ErrUnavailable, err)
		c.setHealth(err)
		return 0, nil, nil, err
	}
	if len(body) > maxBody {
		return 0, nil, nil, errors.New("response body too large")
	}
	if resp.StatusCode >= 500 {
		c.setHealth(fmt.Errorf("%w: status %d", ErrUnavailable, resp.StatusCode))
	} else {
		c.setHealth(nil)
	}
	return resp.StatusCode, resp.Header, body, nil
}

// statusError turns a non-success answer into an *OAuthError, wrapped with
// ErrUnavailable for 5xx statuses only.
func (c *Client) statusError(status int, body []byte) error {
	oe := parseOAuthError(status, body)
	if status >= 500 {
		return fmt.Errorf("%w: %w", ErrUnavailable, oe)
	}
	return oe
}

func parseOAuthError(status int, body []byte) *OAuthError {
	var e struct {
		Error            string `json:"error"`
		ErrorDescription string `json:"error_description"`
	}
	_ = json.Unmarshal(body, &e) // a non-JSON body leaves only the status
	oe := &OAuthError{Status: status, Code: e.Error, Description: e.ErrorDescription}
	if len(oe.Description) > maxDescription {
		oe.Description = oe.Description[:maxDescription] + "…"
	}
	return oe
}

// postForm posts a client-authenticated form to a HelseID endpoint and returns
// the body of a 200/201 answer. With a signer it adds a DPoP proof and does the
// nonce dance: HelseID answers the first request without a (current) nonce
// with 400 use_dpop_nonce and a DPoP-Nonce header, and the request is sent once
// more with that nonce. Each attempt gets a new client assertion and proof,
// because HelseID refuses a jti it has seen. The nonce is kept per origin
// (dpop.Nonces, shared with the API clients' way of doing it), so the next
// request starts with it.
func (c *Client) postForm(ctx context.Context, op, endpoint string, params url.Values, signer *dpop.Signer) ([]byte, error) {
	for attempt := 0; ; attempt++ {
		assertion, err := c.clientAssertion()
		if err != nil {
			return nil, fmt.Errorf("helseid: %s: %w", op, err)
		}
		form := url.Values{}
		for k, v := range params {
			form[k] = v
		}
		form.Set("client_id", c.cfg.ClientID)
		form.Set("client_assertion_type", clientAssertionType)
		form.Set("client_assertion", assertion)

		req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(form.Encode()))
		if err != nil {
			return nil, fmt.Errorf("helseid: %s: %w", op, err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Accept", "application/json")
		if signer != nil {
			proof, err := signer.Proof(http.MethodPost, endpoint, c.nonces.Get(endpoint), "")
			if err != nil {
				return nil, fmt.Errorf("helseid: %s: dpop: %w", op, err)
			}
			req.Header.Set("DPoP", proof)
		}
		status, header, body, err := c.do(req)
		if err != nil {
			return nil, fmt.Errorf("helseid: %s: %w", op, err)
		}
		fresh := c.nonces.Remember(endpoint, header)
		if status == http.StatusOK || status == http.StatusCreated {
			return body, nil
		}
		if signer != nil && attempt == 0 && fresh && dpop.ServerNonceChallenge(status, body) {
			continue
		}
		return nil, fmt.Errorf("helseid: %s: %w", op, c.statusError(status, body))
	}
}
