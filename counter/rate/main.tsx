import '../../server/ui/base.css';
import '../rating.css';
import { translate } from '../../server/i18n';
import { lockDownTouchScreen, mountApp } from '../../server/ui/mount';
import { RateApp } from './rate-app';

/**
 * The rating tablet beside a counter: `/counter/rate/?counter=<id>`. Anonymous, no login: it only
 * watches that counter's satisfaction question.
 */
lockDownTouchScreen();
document.title = translate('vi', 'rate.pageTitle');
mountApp({ app: 'counter' }, RateApp);
