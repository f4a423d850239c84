package convert

import (
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/config"
)

// Validate runs the plugin's own config parser on the JSON form of the result, the check the
// plugin runs at start. The ${NAME} variables are given stand-in values of the right shape, so
// a config that fails here fails for a reason of its own, never for an unset variable.
func (r *Result) Validate() (*config.Config, error) {
	data, err := r.JSON()
	if err != nil {
		return nil, err
	}
	return config.Parse(data, r.StandInEnv)
}

// StandInEnv answers every variable with a placeholder (user:password for Basic schemes).
func (r *Result) StandInEnv(name string) (string, bool) {
	for _, v := range r.Variables {
		if v.Name == name && v.What == whatBasic {
			return "user:password", true
		}
	}
	return "stand-in-value", true
}
