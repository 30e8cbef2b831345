// The home page: links to the three views, and whether this page is cross-origin isolated.
import './styles.css';
import { startPage } from './shared/page';

startPage();
document.body.dataset['ready'] = 'true';
